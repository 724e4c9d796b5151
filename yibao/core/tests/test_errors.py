from yibao.core.error_codes import CoreErrorCode
from yibao.core.errors import ApplicationError


def test_application_error_carries_code_message_and_field() -> None:
    error = ApplicationError(CoreErrorCode.CODE_UNKNOWN, "代码不正确", field="insutype", extra={"value": "9"})
    assert str(error) == "代码不正确"
    assert error.as_dict() == {
        "code": "core.code_unknown",
        "message": "代码不正确",
        "field": "insutype",
        "extra": {"value": "9"},
    }
