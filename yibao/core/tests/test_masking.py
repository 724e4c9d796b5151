from django.template import Context, Template

from yibao.core.masking import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_first_four_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_phone_keeps_first_three_and_last_four() -> None:
    assert mask_phone("16601230715") == "166****0715"


def test_short_values_are_fully_masked() -> None:
    assert mask_id_number("1234567") == "*******"
    assert mask_phone("12345") == "*****"


def test_empty_values_stay_empty() -> None:
    assert mask_id_number(None) == ""
    assert mask_phone("") == ""
    assert mask_name(None) == ""


def test_name_keeps_the_first_character() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李"


def test_template_filters_are_builtins() -> None:
    html = Template("{{ id|mask_id }} {{ m|mask_phone }} {{ n|mask_name }}").render(
        Context({"id": "530112199003071230", "m": "13812345678", "n": "王五"})
    )
    assert html == "5301**********1230 138****5678 王*"
