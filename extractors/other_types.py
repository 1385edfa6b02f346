"""Further types the service catalogue names (rules/doctypes.yaml additions), declared as data.

Each row: type, name, title anchors, body anchors, and fields as (name, labels, parser).
They classify by title and read the common fields; types that verdicts rest on
(grades, decisions, dates) have their own modules.
"""

from __future__ import annotations

from extractors import parsers
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_seal, register

P = parsers
NAME = ("姓名",)
ID = ("公民身份号码", "身份证号码", "身份证号", "证件号码")

TABLE: list[
    tuple[
        str,
        str,
        tuple[str, ...],
        tuple[str, ...],
        tuple[tuple[str, tuple[str, ...], P.Parser], ...],
    ]
] = [
    (
        "application_form",
        "申请表 / 登记表 / 备案表",
        ("申请表", "登记表", "备案表", "审批表", "申报表", "申请书"),
        ("申请人", "申请事项", "填表日期", "经办人"),
        (
            ("name", ("申请人姓名", "职工姓名", "姓名", "申请人"), P.parse_person_name),
            ("id_number", ID, P.parse_id_number),
        ),
    ),
    (
        "court_judgment",
        "人民法院判决书 / 裁定书 / 调解书",
        ("民事判决书", "刑事判决书", "行政判决书", "判决书", "裁定书", "调解书"),
        ("人民法院", "本院认为", "判决如下", "审判员", "原告", "被告"),
        (
            ("case_number", ("案号",), P.parse_text),
            ("court", ("人民法院",), P.parse_org),
            ("subject_name", ("被宣告死亡人", "被申请人", "姓名"), P.parse_person_name),
            ("subject_id_number", ID, P.parse_id_number),
            ("death_date", ("死亡日期", "宣告死亡日期"), P.parse_date),
        ),
    ),
    (
        "accident_responsibility",
        "交通事故责任认定书",
        ("道路交通事故认定书", "交通事故认定书", "交通事故责任认定书"),
        ("交通警察", "事故责任", "当事人", "公安局交通"),
        (
            ("document_number", ("编号", "文号"), P.parse_text),
            ("accident_date", ("事故时间", "发生时间"), P.parse_date),
            ("party_name", ("当事人", "姓名"), P.parse_person_name),
        ),
    ),
    (
        "police_certificate",
        "公安机关出具的证明",
        ("报警回执", "受案回执", "公安机关证明"),
        ("派出所", "公安局", "报案人", "接警"),
        (
            ("subject_name", ("报案人", "当事人", "姓名"), P.parse_person_name),
            ("issue_date", ("日期",), P.parse_date),
        ),
    ),
    (
        "insurance_settlement",
        "商业保险理赔分割单",
        ("理赔分割单", "分割单", "理赔通知书", "赔款计算书"),
        ("保险公司", "被保险人", "理赔", "赔付金额"),
        (
            ("insurer", ("保险公司", "保险人"), P.parse_org),
            ("insured_name", ("被保险人", "出险人"), P.parse_person_name),
            ("total_amount", ("赔付金额", "赔款金额", "合计"), P.parse_amount),
        ),
    ),
    (
        "advance_payment_voucher",
        "垫付凭证",
        ("垫付凭证", "垫付证明", "费用垫付"),
        ("垫付", "垫付金额"),
        (
            ("payer", ("垫付单位", "付款单位"), P.parse_org),
            ("total_amount", ("垫付金额", "金额", "合计"), P.parse_amount),
        ),
    ),
    (
        "household_cancellation_proof",
        "因死亡注销户口证明",
        ("注销户口证明", "户口注销证明", "死亡注销户口"),
        ("注销", "派出所", "死亡"),
        (
            ("name", NAME, P.parse_person_name),
            ("id_number", ID, P.parse_id_number),
            ("cancellation_date", ("注销日期",), P.parse_date),
            ("death_date", ("死亡日期",), P.parse_date),
        ),
    ),
    (
        "funeral_certificate",
        "殓葬证",
        ("殓葬证", "殡葬证"),
        ("殓葬", "死亡"),
        (("name", NAME, P.parse_person_name), ("death_date", ("死亡日期",), P.parse_date)),
    ),
    (
        "birth_certificate",
        "出生医学证明",
        ("出生医学证明",),
        ("新生儿", "出生地点", "母亲姓名", "父亲姓名"),
        (
            ("name", ("新生儿姓名", "姓名"), P.parse_person_name),
            ("mother_name", ("母亲姓名",), P.parse_person_name),
            ("father_name", ("父亲姓名",), P.parse_person_name),
            ("birth_date", ("出生时间", "出生日期"), P.parse_date),
        ),
    ),
    (
        "business_licence",
        "营业执照 / 统一社会信用代码证书",
        ("营业执照",),
        ("统一社会信用代码", "法定代表人", "经营范围", "注册资本", "成立日期"),
        (
            ("entity_name", ("名称",), P.parse_org),
            ("credit_code", ("统一社会信用代码",), P.parse_text),
        ),
    ),
    (
        "referral_opinion",
        "协议医疗机构转诊转院意见",
        ("转诊转院", "转诊意见", "转院意见", "转诊单"),
        ("转诊", "转往", "转入医院"),
        (
            ("patient_name", ("患者姓名", "姓名"), P.parse_person_name),
            ("issue_date", ("日期",), P.parse_date),
        ),
    ),
    (
        "referral_approval",
        "异地就医（转诊转院）审批材料",
        ("异地就医审批", "转诊转院审批", "异地就医备案"),
        ("审批", "异地就医"),
        (
            ("name", NAME, P.parse_person_name),
            ("approval_date", ("审批日期", "日期"), P.parse_date),
        ),
    ),
    (
        "device_receipt",
        "辅助器具配置费用收据",
        ("辅助器具配置费用", "辅具费用收据"),
        ("辅助器具", "收据"),
        (
            ("payer_name", ("交款人", "姓名"), P.parse_person_name),
            ("total_amount", ("合计", "金额"), P.parse_amount),
            ("issue_date", ("日期",), P.parse_date),
        ),
    ),
    (
        "device_confirmation",
        "辅助器具配置确认结论（确认书）",
        ("辅助器具配置确认", "配置确认书"),
        ("辅助器具", "确认"),
        (("name", NAME, P.parse_person_name), ("id_number", ID, P.parse_id_number)),
    ),
    (
        "recurrence_diagnosis",
        "协议机构旧伤复发诊断意见",
        ("旧伤复发", "复发诊断"),
        ("复发",),
        (("patient_name", ("患者姓名", "姓名"), P.parse_person_name),),
    ),
    (
        "rehab_plan",
        "协议机构康复治疗方案",
        ("康复治疗方案", "康复方案"),
        ("康复", "治疗方案"),
        (("patient_name", ("患者姓名", "姓名"), P.parse_person_name),),
    ),
    (
        "remote_medical_report",
        "异地工伤就医报告",
        ("异地工伤就医报告", "异地就医报告"),
        ("异地", "就医"),
        (
            ("employee_name", ("职工姓名", "姓名"), P.parse_person_name),
            ("hospital", ("就医医院", "医院"), P.parse_org),
        ),
    ),
    (
        "residence_proof",
        "村（居）委会等出具的长期居住证明",
        ("居住证明",),
        ("居民委员会", "村民委员会", "居住"),
        (("name", NAME, P.parse_person_name),),
    ),
    (
        "work_assignment_proof",
        "派出证明 / 异地工作单位证明",
        ("派出证明", "派遣证明", "异地工作证明"),
        ("派往", "派出"),
        (
            ("employee_name", ("职工姓名", "姓名"), P.parse_person_name),
            ("employer", ("单位名称", "用人单位"), P.parse_org),
        ),
    ),
    (
        "travel_permit",
        "港澳居民来往内地通行证 / 台湾居民来往大陆通行证",
        ("港澳居民来往内地通行证", "台湾居民来往大陆通行证", "来往内地通行证", "来往大陆通行证"),
        ("通行证", "签发机关", "有效期限"),
        (
            ("name", NAME, P.parse_person_name),
            ("permit_number", ("证件号码", "证号"), P.parse_text),
        ),
    ),
    (
        "foreign_permanent_residence_card",
        "外国人永久居留身份证",
        ("外国人永久居留身份证", "永久居留身份证", "外国人永久居留证"),
        ("PERMANENT RESIDENCE", "国籍", "证件号码"),
        (("name", NAME, P.parse_person_name), ("card_number", ("证件号码", "卡号"), P.parse_text)),
    ),
    (
        "institution_licence",
        "法人登记证书 / 事业单位法人证书 / 执业许可证等证照",
        (
            "事业单位法人证书",
            "法人登记证书",
            "执业许可证",
            "社会团体法人登记证书",
            "民办非企业单位登记证书",
        ),
        ("登记管理机关", "法定代表人", "宗旨和业务范围", "开办资金"),
        (
            ("entity_name", ("名称",), P.parse_org),
            ("licence_number", ("统一社会信用代码", "证书号"), P.parse_text),
        ),
    ),
    (
        "unnatural_death_proof",
        "公安部门出具的非正常死亡证明",
        ("非正常死亡证明", "死亡证明（公安）", "居民死亡证明（公安）"),
        ("公安局", "派出所", "死亡"),
        (
            ("name", ("死者姓名", "姓名"), P.parse_person_name),
            ("id_number", ID, P.parse_id_number),
            ("death_date", ("死亡日期", "死亡时间"), P.parse_date),
            ("issuer", ("出具单位",), P.parse_org),
        ),
    ),
    (
        "community_death_report",
        "基层组织（村（居）委会）出具的死亡情况说明（上报材料）",
        ("死亡情况说明", "死亡情况证明"),
        ("居民委员会", "村民委员会", "死亡"),
        (
            ("name", ("死者姓名", "姓名"), P.parse_person_name),
            ("id_number", ID, P.parse_id_number),
            ("death_date", ("死亡日期", "死亡时间"), P.parse_date),
        ),
    ),
    (
        "situation_statement",
        "情况说明（单位或村（居）委会出具）",
        ("情况说明",),
        ("特此说明", "兹有", "情况如下"),
        (
            ("subject_name", ("姓名",), P.parse_person_name),
            ("subject_id_number", ID, P.parse_id_number),
        ),
    ),
    (
        "eligibility_change_proof",
        "丧失或恢复待遇领取资格的佐证材料",
        ("待遇领取资格", "资格认证", "恢复待遇"),
        ("丧失", "恢复", "待遇"),
        (("name", NAME, P.parse_person_name),),
    ),
    (
        "nationality_proof",
        "中国国籍注销证明 / 外国国籍证明",
        ("注销中国国籍", "国籍注销证明", "丧失中国国籍", "外国国籍证明"),
        ("国籍", "公安"),
        (("name", NAME, P.parse_person_name), ("id_number", ID, P.parse_id_number)),
    ),
    (
        "passport",
        "护照",
        ("护照", "PASSPORT"),
        ("Passport No", "国籍"),
        (("name", ("姓名",), P.parse_person_name),),
    ),
    (
        "residence_permit",
        "居住证 / 港澳台居民居住证",
        ("居住证",),
        ("居住地址", "签发机关"),
        (("name", NAME, P.parse_person_name), ("id_number", ID, P.parse_id_number)),
    ),
    (
        "driving_licence",
        "驾驶证",
        ("机动车驾驶证", "驾驶证"),
        ("准驾车型", "初次领证日期"),
        (("name", NAME, P.parse_person_name), ("id_number", ("证号",) + ID, P.parse_id_number)),
    ),
    (
        "pension_refund_approval",
        "养老保险个人账户返还审批表",
        ("个人账户返还审批表", "返还审批表"),
        ("个人账户储存额", "返还原因", "继承人"),
        (("name", NAME, P.parse_person_name), ("id_number", ID, P.parse_id_number)),
    ),
    (
        "kinship_notarization",
        "亲属关系公证书",
        ("亲属关系公证书", "公证书"),
        ("公证处", "公证员", "亲属关系"),
        (),
    ),
    (
        "incapacity_proof",
        "孤儿、孤寡老人或完全丧失劳动能力证明",
        ("完全丧失劳动能力证明", "孤寡老人证明", "孤儿证明"),
        ("丧失劳动能力",),
        (("name", NAME, P.parse_person_name),),
    ),
]

SEALED = {
    "court_judgment",
    "accident_responsibility",
    "police_certificate",
    "household_cancellation_proof",
    "device_confirmation",
}


def _make(row) -> DocumentSpec:
    type_, name, titles, body, fields = row
    return DocumentSpec(
        type=type_,
        name=name,
        anchors=tuple(Anchor(t, 4 if len(t) >= 4 else 3, title=True) for t in titles)
        + tuple(Anchor(b, 1) for b in body),
        fields=tuple(FieldSpec(n, labels, parser) for n, labels, parser in fields),
        visual=has_seal if type_ in SEALED else None,
        min_score=3.0,
    )


for _row in TABLE:
    register(lambda row=_row: _make(row))
