"""Personal data is masked wherever it appears in running Chinese text, in any width,
with any usual separator; ordinary numbers stay as they are."""
import pytest

from feedback.synthesis.masking import (
    BANK_CARD,
    EMAIL,
    ID_CARD,
    LANDLINE,
    MOBILE,
    NAME,
    find_personal_data,
    id_check_digit_valid,
    luhn_valid,
    mask_personal_data,
)

VALID_ID = "11010519491231002X"          # MOD 11-2 check digit X
VALID_ID_2 = "440304199211055672"
WRONG_CHECK_LUHN_OK = "110105194912310028"  # ID check digit wrong, passes Luhn
CARD_19 = "6222021234567890128"
CARD_18 = "622202123456789012"
CARD_16 = "6228480012345671"


@pytest.mark.parametrize("text, expected", [
    ("我的电话13800138000请回电", "我的电话138****8000请回电"),
    ("手机：138-0013-8000", "手机：138-****-8000"),
    ("手机 138 0013 8000 谢谢", "手机 138 **** 8000 谢谢"),
    ("请打+86 138 0013 8000", "请打+86 138 **** 8000"),
    ("请打+8613800138000", "请打+86138****8000"),
    ("電話１３８００１３８０００，謝謝", "電話１３８****８０００，謝謝"),
    ("19912345678和15000000000", "199****5678和150****0000"),
])
def test_mobile_numbers_keep_first_three_and_last_four(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("座机021-64871234", "座机021-****1234"),
    ("座机(021)64871234转人工", "座机(021)****1234转人工"),
    ("座機（０２１）６４８７１２３４", "座機（０２１）****１２３４"),
    ("杭州0571-8888123", "杭州0571-***8123"),
    ("北京010 6555 1234", "北京010 **** 1234"),
    ("02164871234", "021****1234"),
])
def test_landlines_keep_area_code_and_last_four(text, expected):
    assert mask_personal_data(text) == expected


def test_id_card_with_valid_check_digit_is_masked_including_lower_case_x():
    assert mask_personal_data(f"身份证号{VALID_ID}") == "身份证号110***********002X"
    assert mask_personal_data(f"身份證{VALID_ID.lower()}。") == "身份證110***********002x。"
    assert [m.kind for m in find_personal_data(VALID_ID_2)] == [ID_CARD]


def test_eighteen_digits_with_wrong_check_digit_are_not_an_id_but_may_be_a_card():
    assert not id_check_digit_valid(WRONG_CHECK_LUHN_OK)
    assert [m.kind for m in find_personal_data(WRONG_CHECK_LUHN_OK)] == [BANK_CARD]
    wrong_both = "110105194912310021"
    assert find_personal_data(wrong_both) == []
    assert mask_personal_data(f"号码{wrong_both}") == f"号码{wrong_both}"


def test_id_card_in_full_width_digits_is_masked():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
    [match] = find_personal_data(f"证件{full_width}")
    assert match.kind == ID_CARD and match.original == full_width


@pytest.mark.parametrize("text, expected", [
    (f"卡号{CARD_19}", "卡号6222***********0128"),
    (f"卡号{CARD_16}。", "卡号6228********5671。"),
    ("卡号6222 0212 3456 7890 12退款", "卡号6222 **** **** **90 12退款"),
    ("卡号6222-0212-3456-7890-128", "卡号6222-****-****-***0-128"),
])
def test_bank_cards_passing_luhn_keep_first_and_last_four(text, expected):
    assert mask_personal_data(text) == expected


def test_sixteen_digits_failing_luhn_are_left_alone():
    number = "6228480012345672"
    assert not luhn_valid(number)
    assert mask_personal_data(number) == number


@pytest.mark.parametrize("text, expected", [
    ("邮箱zhang.san@example.com谢谢", "邮箱z***@example.com谢谢"),
    ("寫信到ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ吧", "寫信到ｗ***＠ｅｘａｍｐｌｅ．ｃｎ吧"),
    ("13800138000@qq.com", "1***@qq.com"),
])
def test_email_addresses_keep_first_letter_and_domain(text, expected):
    assert mask_personal_data(text) == expected


def test_match_positions_refer_to_the_original_text():
    text = "張先生（１３８ ００１３ ８０００）和 li@example.org 反映"
    matches = find_personal_data(text)
    assert [m.kind for m in matches] == [MOBILE, EMAIL]
    for m in matches:
        assert text[m.start:m.end] == m.original
    assert matches[0].original == "１３８ ００１３ ８０００"


def test_several_kinds_in_one_text_are_all_masked_in_place():
    text = f"联系人王某，电话13912345678，座机021-64871234，身份证{VALID_ID_2}，卡{CARD_16}"
    masked = mask_personal_data(text)
    assert [m.kind for m in find_personal_data(text)] == [MOBILE, LANDLINE, ID_CARD, BANK_CARD]
    assert masked == "联系人王某，电话139****5678，座机021-****1234，身份证440***********5672，卡6228********5671"
    assert len(masked) == len(text)


@pytest.mark.parametrize("text", [
    "2026年3月15日小区停车位不足",
    "物业费涨到15000元，每年多交3600元",
    "日期2026-03-15，时间20:30，人数120人",
    "回执编号FB-7K3M-Q9XZ，请查收",
    "2026-03-15 15000 12",
    "门牌号12号楼3单元502室",
    "圆周率3.14159265358979323846",
    "订单20260315",
    "电话号码12345678901不对",  # starts with 12: no Chinese mobile
    "",
])
def test_ordinary_numbers_are_not_personal_data(text):
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text


def test_date_next_to_a_phone_number_masks_only_the_phone():
    text = "2026-03-15 13800138000 来电"
    assert mask_personal_data(text) == "2026-03-15 138****8000 来电"


def test_traditional_text_keeps_its_characters_only_the_data_changes():
    text = "這個社區的停車問題請聯繫我，電話13800138000。"
    assert mask_personal_data(text) == "這個社區的停車問題請聯繫我，電話138****8000。"


@pytest.mark.parametrize("text, expected", [
    ("坚决反对，重新选址！——汤桂芳", "坚决反对，重新选址！——汤**"),
    ("坚决反对，重新选址！业主：赵佳怡", "坚决反对，重新选址！业主：赵**"),
    ("坚决反对，重新选址！周卫东（54号楼）", "坚决反对，重新选址！周**（54号楼）"),
    ("我叫李建国，住在梅园三村，楼道灯坏了", "我叫李**，住在梅园三村，楼道灯坏了"),
    ("联系人：王丽，电话13812345678", "联系人：王*，电话138****5678"),
    ("反映人：欧阳娜娜", "反映人：欧阳**"),
    ("路灯坏了一个月了，请尽快修。刘建华", "路灯坏了一个月了，请尽快修。刘**"),
    ("請盡快處理。業主：趙佳怡", "請盡快處理。業主：趙**"),  # traditional: read as simplified, kept as written
    ("盼复！——孫悟空（12号楼）", "盼复！——孫**（12号楼）"),
])
def test_a_name_where_the_text_says_one_stands_keeps_only_its_surname(text, expected):
    assert mask_personal_data(text) == expected
    names = [m for m in find_personal_data(text) if m.kind == NAME]
    assert len(names) == 1 and text[names[0].start:names[0].end] == names[0].original


@pytest.mark.parametrize("text", [
    "麻烦尽快处理，谢谢",  # 谢 is a surname, 谢谢 a word
    "路灯坏了。周末",
    "业主：请尽快处理",
    "我是江畔名邸业主，车位不够",
    "本人江畔名邸业主",
    "联系人张先生",  # no colon: nothing says a name follows
    "请尽快处理。陈女士",  # a surname with a title names no one in particular
    "石桥花园外墙瓷砖掉下来砸坏了一辆车，太危险了，请尽快组织检查！",
    "梅园街道低保复核要多久，每年都要重新交材料吗？老人等不起。",
    "中心公园广场夜里音乐震天响。黄浦区",
])
def test_words_that_begin_with_a_surname_are_not_taken_for_names(text):
    assert [m for m in find_personal_data(text) if m.kind == NAME] == []
    assert mask_personal_data(text) == text


# --- numbers in Chinese numerals; an office's telephone in an answer (issue 19, part 7) ---

@pytest.mark.parametrize("text, expected", [
    ("我的手机一三九一二三四五六八三，请回电", "我的手机一三九****五六八三，请回电"),
    ("电话幺三八 零零一三 八零零零谢谢", "电话幺三八 **** 八零零零谢谢"),
    ("打一五零-零零零零-零零零零找我", "打一五零-****-零零零零找我"),
    ("号码是139一二三四5683", "号码是139****5683"),
    ("手机壹叁玖壹贰叁肆伍陆捌叁", "手机壹叁玖****伍陆捌叁"),
])
def test_mobile_numbers_in_chinese_numerals_are_masked_like_digits(text, expected):
    assert mask_personal_data(text) == expected


def test_chinese_numerals_that_are_no_number_stay():
    for text in ("一二三四五六七八九十", "三三两两的人", "第一二三四五六七排座位", "一九四九年十月一日"):
        assert mask_personal_data(text) == text


def test_a_number_in_chinese_numerals_is_found_as_a_mobile():
    [match] = find_personal_data("手机一三九一二三四五六八三")
    assert (match.kind, match.original) == (MOBILE, "一三九一二三四五六八三")


def test_an_answer_keeps_its_office_telephone_readable_and_masks_a_mobile():
    answer = "如有疑问请致电021-5555 0266（办公室），或联系13800138000。"
    assert mask_personal_data(answer, keep_landlines=True) == (
        "如有疑问请致电021-5555 0266（办公室），或联系138****8000。")
    assert mask_personal_data(answer) == "如有疑问请致电021-**** 0266（办公室），或联系138****8000。"


@pytest.mark.parametrize("text", ["麻烦您尽快处理，谢谢了！", "问题一直没解决。谢谢您", "本人曾于2014年反映过此事。"])
def test_closing_thanks_and_particles_are_no_names(text):
    assert find_personal_data(text) == []


def test_a_name_after_a_label_is_masked_even_when_it_starts_with_a_word():
    assert mask_personal_data("本人王国强，住在三号楼。") == "本人王**，住在三号楼。"
