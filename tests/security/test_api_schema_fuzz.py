"""Schema-driven fuzzing of the JSON API with schemathesis: every operation of
/api/v1/openapi.json gets generated requests (valid and invalid), and every answer must be
no server error and match the documented status codes, content types and schemas.
Bounded: a fixed number of examples per operation (about a minute in all)."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 80
# "Schema-valid data must be accepted" does not hold for the intake: an opinion's text is
# also checked for length, contact details for form, the spam guard, … (422 with fields,
# documented). Every other built-in check runs, server errors and schema conformance included.
NOT_APPLICABLE = [positive_data_acceptance]


def _fuzz(operation) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              database=None)
    def run(case):
        case.call_and_validate(headers={"Accept-Language": "en"}, excluded_checks=NOT_APPLICABLE)

    run()


def test_the_api_keeps_its_documented_contract(app, make, run_jobs):
    make.item()  # one public item, so that some generated ids name a real row
    run_jobs()  # and a search index that holds it
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5  # openapi.json itself has no operation of its own
    for operation in operations:
        try:
            _fuzz(operation)
        except Exception as failure:  # noqa: BLE001 - collect every operation's finding
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
