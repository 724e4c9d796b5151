from django.apps import AppConfig


class EntryConfig(AppConfig):
    """The ways into the hall: login, 选择单位, 单位注册, 找回密码, 个人中心 and the home pages."""

    name = "yibao.entry"
    label = "entry"
    verbose_name = "网厅入口"
