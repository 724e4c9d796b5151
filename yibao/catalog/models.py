"""Public catalogues (公用服务): designated institutions and pharmacies, agencies, drugs, service items.

Every catalogue row carries `search_key`, the text the name search runs on: the name in lower
case followed by its pinyin initials (see `search.py`). Services fill it on every write; the
migration `0002_search_index` indexes it (pg_trgm GIN on PostgreSQL, an FTS5 trigram table kept
in sync by triggers on SQLite).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from yibao.core.models import Division, TimeStampedModel

INSTITUTION_CODE = RegexValidator(
    r"^[HP]\d{11}$", "定点医药机构编号应为H（医疗机构）或P（零售药店）加11位数字"
)
DRUG_CODE = RegexValidator(
    r"^(X[0-9A-Z]{22}|Z[0-9A-Z]{19})$",
    "医保药品代码应为X开头的23位（西药）或Z开头的20位（中成药）字母数字",
)
SERVICE_ITEM_CODE = RegexValidator(r"^\d{15}$", "医疗服务项目编码应为15位数字")


class CatalogEntry(TimeStampedModel):
    """Fields every catalogue row shares."""

    search_key = models.TextField("检索键", blank=True, editable=False)
    is_active = models.BooleanField("有效", default=True, help_text="停用后不在公众查询中显示")

    class Meta:
        abstract = True


class Institution(CatalogEntry):
    """定点医药机构 (FIXMEDINS_B): designated medical institutions and retail pharmacies.

    One table for both kinds, as in the national platform: they share the code scheme, the
    agreement fields and the change-application process; `fixmedins_type` tells them apart.
    """

    class Type(models.TextChoices):
        MEDICAL = "1", "定点医疗机构"
        PHARMACY = "2", "定点零售药店"

    class ServiceType(models.TextChoices):
        """医疗服务机构类型. The national values are not published; local placeholder codes."""

        GENERAL_HOSPITAL = "11", "综合医院"
        TCM_HOSPITAL = "12", "中医医院"
        INTEGRATED_HOSPITAL = "13", "中西医结合医院"
        SPECIALIST_HOSPITAL = "14", "专科医院"
        MATERNAL_CHILD = "15", "妇幼保健院"
        COMMUNITY_CENTRE = "16", "社区卫生服务中心（站）"
        TOWNSHIP_CENTRE = "17", "乡镇卫生院"
        CLINIC = "18", "门诊部、诊所"
        VILLAGE_CLINIC = "19", "村卫生室"
        SINGLE_PHARMACY = "21", "单体药店"
        CHAIN_PHARMACY = "22", "连锁药店门店"

    # The dictionaries below are not published nationally (facts.md §3.2, §4.4 [U]); these are
    # local codes with the labels of Yunnan manual 001 (§1.3.2), name or code accepted by the sync.

    class PriceLevel(models.TextChoices):
        """限价医院等级 (lmtpric_hosp_lv)."""

        FIRST = "1", "一级"
        SECOND = "2", "二级"
        THIRD = "3", "三级"

    class DeductibleLevel(models.TextChoices):
        """起付线(报销)等级 (dedc_hosp_lv)."""

        FIRST = "1", "一级及以下"
        SECOND = "2", "二级"
        THIRD = "3", "三级"

    class OutType(models.TextChoices):
        """异地医药机构类型 (out_fixmedins_type)."""

        PROVINCE = "1", "省内异地医药机构"
        CROSS_PROVINCE = "2", "跨省异地医药机构"
        BOTH = "3", "省内及跨省异地医药机构"

    class OutOnline(models.TextChoices):
        """异地联网开通标志 (out_onln_open_type)."""

        NONE = "0", "非异地定点"
        PROVINCE = "1", "省内异地定点"
        CROSS_PROVINCE = "2", "跨省异地定点"
        BOTH = "3", "省内及跨省异地定点"

    class MutualRecognition(models.TextChoices):
        """省市互认标志."""

        YES = "1", "是"
        NO = "0", "否"

    class ChainType(models.TextChoices):
        """连锁类型 of a pharmacy (RTAL_PHAC_B phac_chan_type)."""

        SINGLE = "0", "非连锁"
        DIRECT = "1", "直营连锁"
        FRANCHISE = "2", "加盟连锁"

    code = models.CharField(
        "定点医药机构编号", max_length=12, unique=True, validators=[INSTITUTION_CODE]
    )  # fixmedins_code
    fixmedins_type = models.CharField("定点医药机构类型", max_length=1, choices=Type.choices)
    name = models.CharField("定点医药机构名称", max_length=200)  # fixmedins_name
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="定点归属医保区划",
        db_column="fix_blng_admdvs",
    )
    service_type = models.CharField(
        "医疗服务机构类型", max_length=2, choices=ServiceType.choices, blank=True
    )  # medins_type
    hosp_lv = models.CharField("医院等级", max_length=2, blank=True, help_text="代码表 hosp_lv")
    address = models.CharField("地址", max_length=200, blank=True)  # addr
    tel = models.CharField("联系电话", max_length=30, blank=True)
    hi_resper_name = models.CharField("医保办负责人姓名", max_length=50, blank=True)
    hi_resper_tel = models.CharField("医保办负责人联系电话", max_length=20, blank=True)
    fix_onln_open_flag = models.BooleanField("定点联网开通标志", default=False)
    begntime = models.DateField("定点开始日期", null=True, blank=True)
    endtime = models.DateField("定点结束日期", null=True, blank=True)
    memo = models.TextField("备注", blank=True)

    # --- the rest of the 贯标平台's record (FIXMEDINS_B, MEDINS_INFO_B, RTAL_PHAC_B), synced ----
    abbr = models.CharField("医疗机构简称", max_length=100, blank=True)  # medins_abbr
    insu_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="医保区划",
        db_column="admdvs",
        null=True,
        blank=True,
    )  # MEDINS_INFO_B admdvs
    reg_code = models.CharField(
        "注册登记代码", max_length=50, blank=True, help_text="医疗机构执业许可证登记号"
    )  # medins_prac_lic_regno
    lic_issue_date = models.DateField("经营许可证发证日期", null=True, blank=True)
    lic_expiry_date = models.DateField("经营许可证有效截止日期", null=True, blank=True)  # …_expy
    lmtpric_hosp_lv = models.CharField("限价医院等级", max_length=1, choices=PriceLevel.choices, blank=True)
    dedc_hosp_lv = models.CharField(
        "起付线(报销)等级", max_length=1, choices=DeductibleLevel.choices, blank=True
    )
    out_fixmedins_type = models.CharField(
        "异地医药机构类型", max_length=1, choices=OutType.choices, blank=True
    )
    out_onln_open_type = models.CharField(
        "异地联网开通标志", max_length=1, choices=OutOnline.choices, blank=True
    )
    nat_plaf_code = models.CharField("国家异地平台机构编号", max_length=30, blank=True)
    prov_plaf_code = models.CharField("省内异地平台机构编号", max_length=30, blank=True)
    hi_resper_cert_type = models.CharField(
        "医保办负责人证件类型", max_length=2, blank=True, help_text="代码表 psn_cert_type"
    )
    hi_resper_certno = models.CharField("医保办负责人证件号码", max_length=50, blank=True)
    mutual_recog_flag = models.CharField(
        "省市互认标志", max_length=1, choices=MutualRecognition.choices, blank=True
    )
    # 定点零售药店 only (RTAL_PHAC_B)
    drug_biz_lic_no = models.CharField("药品经营许可证编号", max_length=50, blank=True)
    brch_flag = models.BooleanField("分店标志", default=False)
    phac_chan_type = models.CharField("连锁类型", max_length=1, choices=ChainType.choices, blank=True)
    phar_psncnt = models.PositiveIntegerField("药师人数", null=True, blank=True)
    # When the 贯标平台 last changed the record (its updt_time), and when the values shown here
    # arrived (a sync that changes nothing leaves both as they are).
    plaf_updt_time = models.DateTimeField("贯标平台更新时间", null=True, blank=True)
    synced_at = models.DateTimeField("数据同步时间", null=True, blank=True)

    # --- kept by the hall: the 贯标平台's interface does not carry the legal representative
    # (manual 001 §1.3.2), so the sync never writes these; the institution enters them here.
    legrep_name = models.CharField("法人姓名", max_length=50, blank=True)
    legrep_cert_type = models.CharField(
        "法人证件类型", max_length=2, blank=True, help_text="代码表 psn_cert_type"
    )
    legrep_certno = models.CharField("法人证件号码", max_length=50, blank=True)
    legrep_tel = models.CharField("法人联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "定点医药机构"
        verbose_name_plural = "定点医药机构"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["fixmedins_type", "division"], name="catalog_inst_type_div_idx"),
            models.Index(fields=["fixmedins_type", "hosp_lv"], name="catalog_inst_type_lv_idx"),
            models.Index(fields=["uscc"], name="catalog_inst_uscc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fixmedins_type="1", code__startswith="H")
                | models.Q(fixmedins_type="2", code__startswith="P"),
                name="catalog_institution_code_matches_type",
                violation_error_message="医疗机构编号应以H开头，零售药店编号应以P开头",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_pharmacy(self) -> bool:
        return self.fixmedins_type == self.Type.PHARMACY


class Agency(CatalogEntry):
    """医保经办机构: where people and units handle business in person."""

    code = models.CharField("经办机构编码", max_length=20, unique=True)
    name = models.CharField("经办机构名称", max_length=200)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name="医保区划", db_column="admdvs"
    )
    address = models.CharField("地址", max_length=200)
    phone = models.CharField("咨询电话", max_length=60, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)

    class Meta:
        verbose_name = "经办机构"
        verbose_name_plural = "经办机构"
        ordering = ["code"]
        indexes = [models.Index(fields=["division"], name="catalog_agency_div_idx")]

    def __str__(self) -> str:
        return self.name


class PaymentClass(models.TextChoices):
    """医保类别 (chrgitm_lv 收费项目等级)."""

    A = "01", "甲类"
    B = "02", "乙类"
    C = "03", "丙类"


class Drug(CatalogEntry):
    """医保药品 (西药 X…, 中成药 Z…), one row per 医保药品代码."""

    class Category(models.TextChoices):
        A = "01", "甲类"
        B = "02", "乙类"

    code = models.CharField("医保药品代码", max_length=23, unique=True, validators=[DRUG_CODE])
    name = models.CharField("注册名称", max_length=200)
    dosage_form = models.CharField("剂型", max_length=40)
    spec = models.CharField("规格", max_length=100, blank=True)
    manufacturer = models.CharField("生产企业", max_length=200, blank=True)
    approval_no = models.CharField("批准文号", max_length=60, blank=True)
    category = models.CharField("甲乙类", max_length=2, choices=Category.choices)
    payment_limit = models.TextField("限定支付范围", blank=True)

    class Meta:
        verbose_name = "医保药品"
        verbose_name_plural = "医保药品"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["category", "code"], name="catalog_drug_cat_idx"),
            models.Index(fields=["dosage_form", "code"], name="catalog_drug_form_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def kind_label(self) -> str:
        return "中成药" if self.code.startswith("Z") else "西药"


class ServiceItem(CatalogEntry):
    """医保服务设施和诊疗项目, priced per region (the region that set the price)."""

    code = models.CharField("项目编码", max_length=15, validators=[SERVICE_ITEM_CODE])
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name="所属区域", db_column="admdvs"
    )
    payment_class = models.CharField("医保类别", max_length=2, choices=PaymentClass.choices)
    category = models.CharField("类别", max_length=60)
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)
    exclusions = models.TextField("除外内容", blank=True)
    unit = models.CharField("计价单位", max_length=40, blank=True)
    price = models.DecimalField("价格（元）", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "服务设施和诊疗项目"
        verbose_name_plural = "服务设施和诊疗项目"
        ordering = ["division", "code"]
        constraints = [
            models.UniqueConstraint(fields=["division", "code"], name="catalog_serviceitem_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
