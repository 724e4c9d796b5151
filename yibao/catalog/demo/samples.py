"""Sample material for the demo catalogues.

Drug names are real generic names with ordinary strengths; their classification codes follow the
ATC classes. Manufacturers, approval numbers, codes, institutions, people and telephone numbers are
made up. Service items use the layout of the national codes (00 + the 9-digit price-item code +
4 digits); their contents and prices are illustrative, not any province's tariff.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    code: str  # 4-character dosage-form part of the drug code
    name: str  # 剂型 as registered
    suffix: str  # appended to the generic name to make the registered name
    prefix: str = ""  # 注射用…


TABLET = Form("A001", "片剂", "片")
FILM_TABLET = Form("A003", "片剂", "片")
DISPERSIBLE = Form("A005", "分散片", "分散片")
SR_TABLET = Form("A010", "缓释片", "缓释片")
CR_TABLET = Form("A012", "控释片", "控释片")
EC_TABLET = Form("A020", "肠溶片", "肠溶片")
CAPSULE = Form("B001", "胶囊剂", "胶囊")
SOFT_CAPSULE = Form("B005", "软胶囊", "软胶囊")
SR_CAPSULE = Form("B010", "缓释胶囊", "缓释胶囊")
EC_CAPSULE = Form("B020", "肠溶胶囊", "肠溶胶囊")
GRANULE = Form("C001", "颗粒剂", "颗粒")
INJECTION = Form("D001", "注射剂", "注射液")
POWDER_INJECTION = Form("D010", "注射剂", "", prefix="注射用")
ORAL_SOLUTION = Form("E001", "口服溶液剂", "口服溶液")
SUSPENSION = Form("E005", "混悬剂", "混悬液")
DRY_SUSPENSION = Form("E010", "干混悬剂", "干混悬剂")
ORAL_LIQUID = Form("E020", "合剂", "口服液")
SYRUP = Form("E030", "糖浆剂", "糖浆")
SYRUP_NAMED = Form("E031", "糖浆剂", "")  # the name already says it (强力枇杷露)
EYE_DROPS = Form("F001", "滴眼剂", "滴眼液")
NASAL_SPRAY = Form("F010", "喷雾剂", "鼻喷雾剂")
CREAM = Form("G001", "乳膏剂", "乳膏")
OINTMENT = Form("G010", "软膏剂", "软膏")
AEROSOL = Form("H001", "气雾剂", "气雾剂")
PILL = Form("J001", "丸剂", "丸")
DRIPPING_PILL = Form("J010", "滴丸剂", "滴丸")
TINCTURE = Form("K001", "酊剂", "水")


@dataclass(frozen=True)
class Generic:
    atc: str  # class code used in the drug code (5 characters)
    name: str
    forms: tuple[tuple[Form, tuple[str, ...]], ...]
    category: str = "01"  # 01 甲类, 02 乙类
    limit: str = ""
    tcm: bool = False  # 中成药 (code Z…)


PPI_INJECTION_LIMIT = "限有说明书标明的疾病诊断且有禁食医嘱或吞咽困难的患者"
TCM_INJECTION_LIMIT = "限二级及以上医疗机构使用"

GENERICS: tuple[Generic, ...] = (
    Generic(
        "J01CA", "阿莫西林", ((CAPSULE, ("0.25g", "0.5g")), (DISPERSIBLE, ("0.25g",)), (GRANULE, ("0.125g",)))
    ),
    Generic("J01CR", "阿莫西林克拉维酸钾", ((TABLET, ("0.375g", "0.625g")), (DRY_SUSPENSION, ("0.2285g",)))),
    Generic("J01DB", "头孢氨苄", ((CAPSULE, ("0.125g", "0.25g")), (TABLET, ("0.25g",)))),
    Generic("J01DC", "头孢呋辛酯", ((TABLET, ("0.25g",)),)),
    Generic("J01DD", "头孢曲松钠", ((POWDER_INJECTION, ("0.5g", "1.0g")),)),
    Generic(
        "J01FA", "阿奇霉素", ((TABLET, ("0.25g",)), (CAPSULE, ("0.25g",)), (POWDER_INJECTION, ("0.5g",)))
    ),
    Generic("J01FA", "克拉霉素", ((TABLET, ("0.25g",)),)),
    Generic("J01MA", "左氧氟沙星", ((TABLET, ("0.5g",)), (INJECTION, ("100ml:0.5g",)))),
    Generic("J01MA", "盐酸莫西沙星", ((TABLET, ("0.4g",)),), category="02"),
    Generic("J01XD", "甲硝唑", ((TABLET, ("0.2g",)), (INJECTION, ("100ml:0.5g",)))),
    Generic("M01AE", "布洛芬", ((TABLET, ("0.2g",)), (SR_CAPSULE, ("0.3g",)), (SUSPENSION, ("100ml:2g",)))),
    Generic("N02BE", "对乙酰氨基酚", ((TABLET, ("0.5g",)), (ORAL_SOLUTION, ("100ml:2.4g",)))),
    Generic("B01AC", "阿司匹林", ((EC_TABLET, ("25mg", "100mg")),)),
    Generic("B01AC", "硫酸氢氯吡格雷", ((TABLET, ("25mg", "75mg")),)),
    Generic("C10AA", "阿托伐他汀钙", ((TABLET, ("10mg", "20mg")),)),
    Generic("C10AA", "瑞舒伐他汀钙", ((TABLET, ("5mg", "10mg")),)),
    Generic("C10AA", "辛伐他汀", ((TABLET, ("20mg",)),)),
    Generic("A10BA", "盐酸二甲双胍", ((TABLET, ("0.25g", "0.5g")), (SR_TABLET, ("0.5g",)))),
    Generic("A10BB", "格列美脲", ((TABLET, ("1mg", "2mg")),)),
    Generic("A10BF", "阿卡波糖", ((TABLET, ("50mg",)),)),
    Generic("A10BH", "磷酸西格列汀", ((TABLET, ("100mg",)),), category="02"),
    Generic("A10AB", "重组人胰岛素", ((INJECTION, ("3ml:300单位",)),)),
    Generic("A10AE", "甘精胰岛素", ((INJECTION, ("3ml:300单位",)),), category="02"),
    Generic("C08CA", "苯磺酸氨氯地平", ((TABLET, ("5mg",)),)),
    Generic("C08CA", "硝苯地平", ((SR_TABLET, ("10mg", "20mg")), (CR_TABLET, ("30mg",)))),
    Generic("C09AA", "马来酸依那普利", ((TABLET, ("5mg", "10mg")),)),
    Generic("C09CA", "氯沙坦钾", ((TABLET, ("50mg", "100mg")),)),
    Generic("C09CA", "缬沙坦", ((CAPSULE, ("80mg",)),)),
    Generic("C09CA", "厄贝沙坦", ((TABLET, ("75mg", "150mg")),)),
    Generic("C07AB", "酒石酸美托洛尔", ((TABLET, ("25mg", "50mg")),)),
    Generic("C07AB", "琥珀酸美托洛尔", ((SR_TABLET, ("47.5mg",)),), category="02"),
    Generic("C07AB", "富马酸比索洛尔", ((TABLET, ("5mg",)),)),
    Generic("C03CA", "呋塞米", ((TABLET, ("20mg",)), (INJECTION, ("2ml:20mg",)))),
    Generic("C03AA", "氢氯噻嗪", ((TABLET, ("25mg",)),)),
    Generic("C01DA", "单硝酸异山梨酯", ((SR_TABLET, ("40mg", "60mg")),)),
    Generic("C01AA", "地高辛", ((TABLET, ("0.25mg",)),)),
    Generic("C01BD", "盐酸胺碘酮", ((TABLET, ("0.2g",)),)),
    Generic("A02BC", "奥美拉唑", ((EC_CAPSULE, ("10mg", "20mg")),)),
    Generic(
        "A02BC", "奥美拉唑钠", ((POWDER_INJECTION, ("40mg",)),), category="02", limit=PPI_INJECTION_LIMIT
    ),
    Generic("A02BC", "泮托拉唑钠", ((EC_TABLET, ("40mg",)),)),
    Generic("A02BC", "雷贝拉唑钠", ((EC_TABLET, ("10mg", "20mg")),), category="02"),
    Generic("A02BA", "法莫替丁", ((TABLET, ("20mg",)),)),
    Generic("A03FA", "多潘立酮", ((TABLET, ("10mg",)),)),
    Generic("A07DA", "盐酸洛哌丁胺", ((CAPSULE, ("2mg",)),)),
    Generic("A06AD", "乳果糖", ((ORAL_SOLUTION, ("100ml:66.7g",)),), category="02"),
    Generic("A05AA", "熊去氧胆酸", ((TABLET, ("50mg",)), (CAPSULE, ("250mg",))), category="02"),
    Generic("R05CB", "乙酰半胱氨酸", ((GRANULE, ("0.1g", "0.2g")),), category="02"),
    Generic(
        "R05CB",
        "盐酸氨溴索",
        ((TABLET, ("30mg",)), (ORAL_SOLUTION, ("100ml:0.6g",)), (INJECTION, ("2ml:15mg",))),
    ),
    Generic("R05DA", "复方甘草", ((TABLET, ("复方",)),)),
    Generic("R03AC", "硫酸沙丁胺醇", ((AEROSOL, ("每揿100微克",)),)),
    Generic("R03DA", "茶碱", ((SR_TABLET, ("0.1g",)),)),
    Generic("R06AE", "盐酸西替利嗪", ((TABLET, ("10mg",)),), category="02"),
    Generic("R06AX", "氯雷他定", ((TABLET, ("10mg",)),)),
    Generic("R01AD", "糠酸莫米松", ((NASAL_SPRAY, ("50微克/揿",)), (CREAM, ("5g:5mg",))), category="02"),
    Generic("H02AB", "醋酸泼尼松", ((TABLET, ("5mg",)),)),
    Generic("H02AB", "地塞米松磷酸钠", ((INJECTION, ("1ml:2mg", "1ml:5mg")),)),
    Generic("H03AA", "左甲状腺素钠", ((TABLET, ("50μg",)),)),
    Generic("N05BA", "地西泮", ((TABLET, ("2.5mg",)),)),
    Generic("N05CF", "酒石酸唑吡坦", ((TABLET, ("10mg",)),), category="02"),
    Generic("N06AB", "盐酸舍曲林", ((TABLET, ("50mg",)),), category="02"),
    Generic("N06AB", "盐酸氟西汀", ((CAPSULE, ("20mg",)),)),
    Generic("N03AX", "左乙拉西坦", ((TABLET, ("0.25g", "0.5g")),), category="02"),
    Generic("N03AF", "卡马西平", ((TABLET, ("0.1g",)),)),
    Generic("N02AX", "盐酸曲马多", ((SR_TABLET, ("0.1g",)),), category="02"),
    Generic("M01AB", "双氯芬酸钠", ((SR_CAPSULE, ("50mg",)), (EC_TABLET, ("25mg",)))),
    Generic("M01AH", "塞来昔布", ((CAPSULE, ("0.2g",)),), category="02"),
    Generic("M04AA", "别嘌醇", ((TABLET, ("0.1g",)),)),
    Generic("M04AC", "秋水仙碱", ((TABLET, ("0.5mg",)),)),
    Generic("M05BA", "阿仑膦酸钠", ((TABLET, ("70mg",)),), category="02"),
    Generic("B01AA", "华法林钠", ((TABLET, ("2.5mg",)),)),
    Generic("B01AB", "依诺肝素钠", ((INJECTION, ("0.4ml:4000AXaIU",)),), category="02"),
    Generic("B03AA", "硫酸亚铁", ((TABLET, ("0.3g",)),)),
    Generic(
        "B05AA",
        "人血白蛋白",
        ((INJECTION, ("10g(20%,50ml)",)),),
        category="02",
        limit="限抢救、重症或因肝硬化、癌症引起胸腹水的患者，且白蛋白低于30g/L",
    ),
    Generic("B05BB", "氯化钠", ((INJECTION, ("100ml:0.9g", "250ml:2.25g", "500ml:4.5g")),)),
    Generic("B05BA", "葡萄糖", ((INJECTION, ("250ml:12.5g", "500ml:25g")),)),
    Generic("G04CA", "盐酸坦索罗辛", ((SR_CAPSULE, ("0.2mg",)),), category="02"),
    Generic("G04CB", "非那雄胺", ((TABLET, ("5mg",)),), category="02"),
    Generic("L01BA", "甲氨蝶呤", ((TABLET, ("2.5mg",)),)),
    Generic("L04AD", "环孢素", ((SOFT_CAPSULE, ("25mg",)),)),
    Generic("J05AB", "阿昔洛韦", ((TABLET, ("0.2g",)), (CREAM, ("10g:0.3g",)))),
    Generic(
        "J05AH",
        "磷酸奥司他韦",
        ((CAPSULE, ("75mg",)),),
        category="02",
        limit="限流感重症高危人群及重症患者的抗流感病毒治疗",
    ),
    Generic("J02AC", "氟康唑", ((TABLET, ("50mg",)), (CAPSULE, ("150mg",)))),
    Generic("P01BA", "硫酸羟氯喹", ((TABLET, ("0.1g", "0.2g")),), category="02"),
    Generic("S01AE", "左氧氟沙星", ((EYE_DROPS, ("5ml:24.4mg",)),)),
    Generic("D06AX", "莫匹罗星", ((OINTMENT, ("5g:0.1g",)),), category="02"),
    Generic("A11CC", "骨化三醇", ((SOFT_CAPSULE, ("0.25μg",)),), category="02"),
    Generic("A12AX", "碳酸钙D3", ((TABLET, ("0.6g",)),), category="02", limit="限儿童、孕妇及骨质疏松患者"),
    Generic("A11DA", "维生素B1", ((TABLET, ("10mg",)),)),
    Generic("A11HA", "维生素B6", ((TABLET, ("10mg",)), (INJECTION, ("2ml:0.1g",)))),
    # 中成药
    Generic("A12BA", "复方丹参", ((DRIPPING_PILL, ("27mg",)), (TABLET, ("0.32g",))), tcm=True),
    Generic("A01AB", "银黄", ((GRANULE, ("4g",)),), tcm=True),
    Generic("A01AB", "连花清瘟", ((CAPSULE, ("0.35g",)), (GRANULE, ("6g",))), tcm=True),
    Generic("A01AB", "板蓝根", ((GRANULE, ("10g",)),), tcm=True),
    Generic("A01AA", "感冒清热", ((GRANULE, ("12g",)),), tcm=True),
    Generic("A04BA", "藿香正气", ((TINCTURE, ("10ml",)), (SOFT_CAPSULE, ("0.45g",))), tcm=True),
    Generic("A16AA", "六味地黄", ((PILL, ("浓缩丸",)),), tcm=True),
    Generic("A07AA", "逍遥", ((PILL, ("浓缩丸",)),), tcm=True),
    Generic("A01AB", "双黄连", ((ORAL_LIQUID, ("10ml",)),), tcm=True, category="02"),
    Generic("A03AB", "蒲地蓝消炎", ((TABLET, ("0.3g",)),), tcm=True, category="02"),
    Generic("A12BA", "参麦", ((INJECTION, ("20ml",)),), tcm=True, category="02", limit=TCM_INJECTION_LIMIT),
    Generic("A12BA", "丹参", ((INJECTION, ("10ml",)),), tcm=True, category="02", limit=TCM_INJECTION_LIMIT),
    Generic("A12BA", "血塞通", ((SOFT_CAPSULE, ("60mg",)),), tcm=True, category="02"),
    Generic("A12BA", "麝香保心", ((PILL, ("22.5mg",)),), tcm=True),
    Generic("A12BA", "速效救心", ((PILL, ("40mg",)),), tcm=True),
    Generic("A15AA", "云南白药", ((CAPSULE, ("0.25g",)),), tcm=True),
    Generic("A15AA", "三七伤药", ((TABLET, ("0.3g",)),), tcm=True),
    Generic(
        "A10AA", "安宫牛黄", ((PILL, ("3g",)),), tcm=True, category="02", limit="限高热惊厥或中风所致昏迷急救"
    ),
    Generic("A08AA", "健胃消食", ((TABLET, ("0.8g",)),), tcm=True),
    Generic("A06AA", "香砂养胃", ((PILL, ("浓缩丸",)),), tcm=True),
    Generic("A01BA", "小柴胡", ((GRANULE, ("10g",)),), tcm=True),
    Generic("A03AA", "清开灵", ((INJECTION, ("10ml",)),), tcm=True, category="02", limit=TCM_INJECTION_LIMIT),
    Generic("A12CA", "血府逐瘀", ((CAPSULE, ("0.4g",)),), tcm=True, category="02"),
    Generic("A12CA", "通心络", ((CAPSULE, ("0.26g",)),), tcm=True, category="02"),
    Generic("A03AA", "牛黄解毒", ((TABLET, ("0.27g",)),), tcm=True),
    Generic("A16BA", "百令", ((CAPSULE, ("0.5g",)),), tcm=True, category="02"),
    Generic("A02AA", "强力枇杷露", ((SYRUP_NAMED, ("100ml",)),), tcm=True, category="02"),
    Generic("A02AA", "急支", ((SYRUP, ("100ml",)),), tcm=True),
    Generic("A16AA", "乌鸡白凤", ((PILL, ("9g",)),), tcm=True),
    Generic("A16AA", "归脾", ((PILL, ("浓缩丸",)),), tcm=True),
    Generic("A16AA", "补中益气", ((PILL, ("浓缩丸",)), (GRANULE, ("3g",))), tcm=True),
)

# Made-up manufacturers, with the province their demo approval numbers are tied to.
MANUFACTURERS: tuple[str, ...] = (
    "云岭制药有限公司",
    "滇池药业股份有限公司",
    "燕京制药有限公司",
    "京华康元药业有限公司",
    "中原制药股份有限公司",
    "豫康药业有限公司",
    "南岭药业有限公司",
    "江南制药厂",
    "川蜀药业有限公司",
    "长江生物制药有限公司",
)

# Regions of the demo, with an area code for made-up landline numbers.
DEMO_CITIES: tuple[tuple[str, str], ...] = (
    ("530100", "0871"),  # 昆明市
    ("530300", "0874"),  # 曲靖市
    ("532900", "0872"),  # 大理白族自治州
    ("110100", "010"),  # 北京市
    ("410100", "0371"),  # 郑州市
    ("410300", "0379"),  # 洛阳市
    ("410200", "0371"),  # 开封市
    ("440100", "020"),  # 广州市
)
DEMO_PROVINCES: tuple[str, ...] = ("530000", "110000", "410000", "440000")
CITY_OVERRIDES: tuple[str, ...] = ("530100", "410100")  # cities with a few prices of their own

ROADS = ("人民路", "解放路", "建设路", "文化路", "和平路", "中山路", "青年路", "东风路", "环城路", "新华路")
STREETS = ("东风", "西山", "南湖", "北辰", "金星", "明珠", "滨江", "新城", "翠湖", "长春")
TOWNS = ("城关镇", "新村镇", "东山镇", "西河镇", "南屏镇", "北溪镇")
PHARMACY_CHAINS = ("康源大药房", "仁和堂药房", "益民大药房", "百姓健康药房", "福寿堂药店")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN_NAMES = (*"伟芳娜敏静丽强磊军洋勇艳杰娟涛明", "秀英", "志强", "建华", "晓东", "海燕", "丽娟")


@dataclass(frozen=True)
class Item:
    code9: str  # 全国医疗服务价格项目规范 code
    suffix: str  # last 4 digits of the 15-digit code
    name: str
    category: str
    payment_class: str
    unit: str
    price: str  # yuan, before the regional factor
    description: str = ""
    exclusions: str = ""


SERVICE_ITEMS: tuple[Item, ...] = (
    Item("110200001", "0000", "普通门诊诊查费", "综合医疗服务类", "01", "次", "10.00",
         "指医护人员提供（技术劳务）的诊疗服务。包括：挂号、诊查、建立病历、开具检查和处方等。"),
    Item("110200002", "0000", "副主任医师门诊诊查费", "综合医疗服务类", "02", "次", "20.00",
         "由副主任医师提供的门诊诊查服务。"),
    Item("110200005", "0000", "急诊诊查费", "综合医疗服务类", "01", "次", "12.00",
         "指24小时急诊值班的医护人员提供的诊疗服务。"),
    Item("110900001", "0000", "普通病房床位费（三人间及以上）", "服务设施", "01", "日", "25.00",
         "含床、床垫、棉褥、棉被、枕头、床单、床头柜等。", "空调费、取暖费另计"),
    Item("110900001", "0100", "普通病房床位费（双人间）", "服务设施", "02", "日", "40.00",
         "设施要求同三人间，每间两张床位。", "空调费、取暖费另计"),
    Item("110900004", "0000", "监护病房床位费", "服务设施", "02", "日", "60.00",
         "指设置在监护病房内的床位，配备监护仪等设施。", "监护仪使用费另计"),
    Item("120100001", "0000", "重症监护", "综合医疗服务类", "01", "小时", "8.00",
         "指在重症监护病房内，24小时专人护理，观察病情变化并记录。"),
    Item("120100002", "0000", "特级护理", "综合医疗服务类", "01", "小时", "6.00",
         "指病情危重、需随时观察和抢救的患者，设专人护理。"),
    Item("120100003", "0000", "Ⅰ级护理", "综合医疗服务类", "01", "日", "26.00",
         "需绝对卧床或病情较重患者的护理，每小时巡视一次。"),
    Item("120100004", "0000", "Ⅱ级护理", "综合医疗服务类", "01", "日", "18.00",
         "病情稳定患者的护理，每两小时巡视一次。"),
    Item("120100005", "0000", "Ⅲ级护理", "综合医疗服务类", "01", "日", "10.00",
         "生活能够自理患者的护理，每日巡视两次。"),
    Item("120400001", "0000", "肌肉注射", "综合医疗服务类", "01", "次", "3.00", "含皮下、皮内注射。"),
    Item("120400006", "0000", "静脉输液", "综合医疗服务类", "01", "组", "8.00",
         "含输液器具的安置与观察。", "一次性输液器"),
    Item("120800001", "0000", "氧气吸入", "综合医疗服务类", "01", "小时", "2.50",
         "含鼻导管或面罩给氧。", "氧气费"),
    Item("121600001", "0100", "导尿", "综合医疗服务类", "01", "次", "15.00",
         "含会阴消毒、插导尿管及留置导尿。", "一次性导尿包"),
    Item("210103001", "0000", "数字化摄影（DR）", "医技诊疗类", "01", "曝光次数", "60.00",
         "含摄影、图像处理和诊断报告。", "胶片"),
    Item("220201001", "0000", "B超常规检查（腹部）", "医技诊疗类", "01", "部位", "50.00",
         "含肝、胆、胰、脾、双肾等脏器的检查及报告。"),
    Item("250101015", "0000", "血细胞分析（五分类）", "医技诊疗类", "01", "次", "20.00",
         "用全自动血细胞分析仪检测，含白细胞分类。"),
    Item("250102001", "0000", "尿常规检查", "医技诊疗类", "01", "次", "8.00",
         "含尿液理化性质和沉渣检查。"),
    Item("250302001", "0000", "血清葡萄糖测定", "医技诊疗类", "01", "项", "6.00", "酶法检测。"),
    Item("310701001", "0000", "常规心电图检查", "临床诊疗类", "01", "次", "15.00",
         "含十二导联心电图描记和诊断报告。"),
    Item("311201001", "0000", "雾化吸入", "临床诊疗类", "01", "次", "8.00",
         "含超声雾化、氧气雾化。", "药物"),
    Item("331003001", "0000", "阑尾切除术", "临床诊疗类", "01", "次", "900.00",
         "含腹腔探查、阑尾切除及腹腔引流。", "特殊缝线、吻合器"),
    Item("340100023", "0600", "颈椎牵引", "临床诊疗类", "02", "次", "12.00",
         "含机械或电动牵引。"),
    Item("340200004", "0000", "运动疗法", "临床诊疗类", "02", "次", "35.00",
         "指由康复治疗师进行的全身肌力训练、关节活动训练等，每次不少于40分钟。"),
    Item("430000001", "0000", "普通针刺", "中医及民族医诊疗类", "01", "次", "18.00",
         "含选穴、消毒、进针、行针和起针。", "一次性针具"),
    Item("440000003", "0000", "拔罐疗法", "中医及民族医诊疗类", "02", "次", "10.00", "含火罐、气罐。"),
    Item("450000001", "0000", "落枕推拿治疗", "中医及民族医诊疗类", "02", "次", "30.00", ""),
    Item("480000001", "0000", "中药熏洗治疗", "中医及民族医诊疗类", "03", "次", "40.00",
         "含熏洗器具的使用。", "药物"),
    Item("110400001", "0000", "救护车费", "服务设施", "03", "公里", "3.00",
         "指救护车运送患者的里程费用。", "车上急救诊疗费用"),
)  # fmt: skip

# Regional price factor (provinces differ; the demo does not claim any real tariff).
PRICE_FACTORS: dict[str, str] = {"530000": "1.00", "110000": "1.35", "410000": "0.95", "440000": "1.25"}
