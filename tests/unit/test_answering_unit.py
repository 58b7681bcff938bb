"""A historical board's replies label its messages by the unit that answered them; the
evaluation with such extra data never trains on a near-copy of a message it tests on.
All texts here are written for the tests."""
import pytest

from feedback.services import router_training
from feedback.synthesis.answering_unit import (DEFAULT_UNIT_KEYWORDS, UnitLabeller, for_departments,
                                               read_unit_table)


@pytest.fixture(scope="module")
def labeller():
    return UnitLabeller()


@pytest.mark.parametrize("reply, department", [
    ("经核实，该路段已列入明年计划。感谢您对我们工作的支持！甲县城市管理和行政执法局 2013年9月5日", "城乡建设"),
    ("网友您好，您反映的问题已转交县住建局核实、办复。2017年12月19日", "城乡建设"),
    ("你好！工资拖欠问题请具体咨询乙市人社局，谢谢。", "劳动和社会保障"),
    ("我局将联合公安、环保等部门开展检查。感谢关注！ 甲市丙区教育局 2019年1月2日", "教育文体"),
    ("該校收費問題已由縣教育局核查。", "教育文体"),  # traditional characters read the same
    ("您好，关于公交线路调整，请咨询市交通运输局。", "交通运输"),
    ("感谢您对卫生工作的关心。县卫生健康委员会 2019年3月1日", "卫生计生"),
])
def test_the_answering_unit_labels_the_message(labeller, reply, department):
    assert labeller.label(reply) == department


@pytest.mark.parametrize("reply", [
    "您好，您的留言已收悉，已转相关部门办理。2019年2月1日",  # no unit named
    "感谢您对我街道工作的支持和监督！丁街道办事处 2017年5月27日",  # a unit of no category
    "已交由县交警大队处理，该路口将设置减速带。",  # traffic police are not the transport bureau
    "请向市环保局或者市教育局反映。",  # two units, neither outweighs the other
])
def test_an_unclear_reply_gives_no_label(labeller, reply):
    assert labeller.label(reply) is None


def test_an_operators_unit_table_maps_units_to_its_own_departments(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("keyword,department\n教育局,education\n\n城管,urban-management\n住建,housing\n",
                    encoding="utf-8")
    table = read_unit_table(str(path))
    assert table == {"education": ("教育局",), "urban-management": ("城管",), "housing": ("住建",)}
    labeller = UnitLabeller(table)
    assert labeller.label("已转区住建局办理。") == "housing"
    assert labeller.departments == ["education", "housing", "urban-management"]

    broken = tmp_path / "broken.csv"
    broken.write_text("keyword,department\n教育局\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_unit_table(str(broken))


def test_a_deployments_departments_take_over_their_categorys_unit_names():
    table = for_departments([("education", "区教育局"), ("housing", "区住房和建设管理委员会"),
                             ("urban-management", "区城管执法局"), ("civil-affairs", "区民政局")])
    assert "教育局" in table["education"] and "招生考试" in table["education"]
    assert "民政局" in table["civil-affairs"]
    # two departments claim construction: each keeps its own name, neither takes all of it
    assert "住建" not in table["housing"] and "住建" not in table["urban-management"]
    labeller = UnitLabeller(table)
    assert labeller.label("已转交区民政局核实。") == "civil-affairs"
    assert labeller.label("已转交区城管执法局处理。") == "urban-management"
    assert set(DEFAULT_UNIT_KEYWORDS) == {"城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护",
                                          "卫生计生", "交通运输"}


def _write_board(path, rows, encoding="utf-8"):
    import csv

    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(["编号", "留言", "答复"])
        writer.writerows(rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_board_export_is_read_in_its_encoding_and_says_what_it_left_out(tmp_path, labeller, encoding):
    path = tmp_path / "board.csv"
    _write_board(path, [
        ("1", "学校周末补课收费", "已转交县教育局核查。"),
        ("2", "小区门口夜宵摊油烟大", ""),
        ("3", "路灯不亮", "您好，已转相关部门。"),
        ("4", "", "已转交县教育局核查。"),
        ("5", "单位拖欠工资三个月", "请咨询市人社局劳动监察支队。"),
    ], encoding=encoding)
    board = router_training.read_board(str(path), labeller, text_column="留言", reply_column="答复")
    assert board.texts == ["学校周末补课收费", "单位拖欠工资三个月"]
    assert board.labels == ["教育文体", "劳动和社会保障"]
    assert (board.rows, board.unanswered, board.unclear) == (4, 1, 1)
    assert "2 labelled by the answering unit" in board.summary()
    with pytest.raises(ValueError, match="not in the CSV header: reply"):
        router_training.read_board(str(path), labeller, text_column="留言")


def test_near_duplicates_find_copies_and_light_edits_only():
    tested = ["甲市乙区某某小区门口的夜宵摊每天营业到凌晨两点，油烟和噪音严重影响居民休息，希望尽快整治。",
              "孩子今年秋季上小学，想咨询学区划分和报名时间。"]
    board = ["甲市乙区某某小区门口的夜宵摊每天营业到凌晨两点，油烟和噪音严重影响居民休息，请尽快整治！谢谢",
             "某某小区门口的公交站台被拆除，居民出行不便，希望恢复。",
             "孩子今年秋季上小学，想咨询学区划分和报名时间。"]
    assert router_training.near_duplicates(tested, board) == [{0}, {2}]


def test_extra_examples_that_contradict_the_history_are_left_out_under_agree():
    texts = ["学校补课收费", "学校乱收费", "教师体罚学生", "路面坑洼", "道路破损", "小区路面积水"]
    labels = ["教育", "教育", "教育", "城建", "城建", "城建"]

    class ByWord:  # a stand-in router: the history's router is whatever `train` returns
        def __init__(self, texts, labels):
            pass

        def predict(self, texts):
            return [("教育" if "学" in t else "城建", 0.9) for t in texts]

    extra_texts, extra_labels = ["学校食堂卫生差", "公交站旁道路破损", "学生校服收费", "医院排队久"], \
        ["教育", "交通", "城建", "卫生"]
    all_texts, all_labels, added = router_training.with_extra(texts, labels, extra_texts, extra_labels,
                                                              extra_filter="all", train=ByWord)
    assert added == 2 and all_labels[-2:] == ["教育", "城建"]  # departments the history lacks are dropped
    agreed_texts, agreed_labels, added = router_training.with_extra(texts, labels, extra_texts, extra_labels,
                                                                    train=ByWord)
    assert added == 1 and agreed_texts[-1] == "学校食堂卫生差"
