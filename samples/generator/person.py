"""Fake persons with valid GB 11643 resident ID numbers, consistent across documents.

A person is drawn from a seed alone (random.Random(seed)), so an application's
documents can all be rendered for the same person without sharing state.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, fields, replace
from typing import Any

# Liaoning area codes (GB/T 2260) -> (city, district); the address is built from them.
AREAS: dict[str, tuple[str, str]] = {
    "210102": ("沈阳市", "和平区"),
    "210103": ("沈阳市", "沈河区"),
    "210104": ("沈阳市", "大东区"),
    "210105": ("沈阳市", "皇姑区"),
    "210106": ("沈阳市", "铁西区"),
    "210112": ("沈阳市", "浑南区"),
    "210202": ("大连市", "中山区"),
    "210203": ("大连市", "西岗区"),
    "210204": ("大连市", "沙河口区"),
    "210302": ("鞍山市", "铁东区"),
    "210402": ("抚顺市", "新抚区"),
    "210502": ("本溪市", "平山区"),
    "210602": ("丹东市", "元宝区"),
    "210702": ("锦州市", "古塔区"),
    "210802": ("营口市", "站前区"),
    "210902": ("阜新市", "海州区"),
    "211002": ("辽阳市", "白塔区"),
    "211102": ("盘锦市", "双台子区"),
    "211202": ("铁岭市", "银州区"),
    "211302": ("朝阳市", "双塔区"),
    "211303": ("朝阳市", "龙城区"),
    "211321": ("朝阳市", "朝阳县"),
    "211381": ("朝阳市", "北票市"),
    "211382": ("朝阳市", "凌源市"),
    "211402": ("葫芦岛市", "连山区"),
    # codes valid for every birth year (python-stdnum checks the code existed at birth)
    "210122": ("沈阳市", "辽中县"),
    "210224": ("大连市", "长海县"),
    "210321": ("鞍山市", "台安县"),
    "210421": ("抚顺市", "抚顺县"),
    "210422": ("抚顺市", "新宾满族自治县"),
    "210521": ("本溪市", "本溪满族自治县"),
    "210624": ("丹东市", "宽甸满族自治县"),
    "210726": ("锦州市", "黑山县"),
    "210727": ("锦州市", "义县"),
    "210921": ("阜新市", "阜新蒙古族自治县"),
    "210922": ("阜新市", "彰武县"),
    "211021": ("辽阳市", "辽阳县"),
}
TIMELESS_AREAS = [a for a in AREAS if a[4:] >= "21" and a[:4] not in ("2113", "2114")]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_M = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
GIVEN_F = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"
ETHNICITIES = ["汉"] * 16 + ["满"] * 3 + ["蒙古", "回", "朝鲜", "锡伯"]
STREETS = [
    "中山路",
    "南京北街",
    "北京街",
    "太原街",
    "青年大街",
    "黄河南大街",
    "建设大路",
    "友谊大街",
    "新华路",
    "朝阳大街",
    "红旗路",
    "人民路",
    "胜利街",
    "解放路",
    "和平大街",
    "光明路",
    "长江路",
]
COMMUNITIES = [
    "阳光小区",
    "锦绣花园",
    "幸福里",
    "新城家园",
    "绿地小区",
    "和谐家园",
    "富民小区",
    "学府苑",
]
EMPLOYER_PREFIX = ["辽宁", "沈阳", "朝阳", "大连", "鞍山", "北方", "东北", "盛京", "辽河", "渤海"]
EMPLOYER_CORE = [
    "恒信",
    "宏达",
    "兴隆",
    "华铁",
    "长城",
    "鑫源",
    "金桥",
    "富华",
    "嘉禾",
    "远航",
    "建兴",
    "北辰",
]
EMPLOYER_KIND = [
    "建筑工程有限公司",
    "机械制造有限公司",
    "物流有限公司",
    "钢铁有限公司",
    "化工有限公司",
    "食品有限公司",
    "商贸有限公司",
    "矿业有限责任公司",
    "装备制造股份有限公司",
    "物业服务有限公司",
]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643 mod 11-2 check character (upper-case X for 10)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def make_id_number(area: str, birth: dt.date, seq: int) -> str:
    """An 18-character ID; `seq` (0..999) is the order code, odd = male."""
    first = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first + id_check_char(first)


def area_valid_for(area: str, birth: dt.date) -> bool:
    """Whether python-stdnum (and so the validators) accepts `area` for a birth year."""
    from stdnum.cn import ric

    probe = f"{area}{birth:%Y%m%d}001"
    try:
        return ric.is_valid(probe + id_check_char(probe))
    except (KeyError, ValueError):
        return False


def corrupt_id_checksum(id_number: str) -> str:
    """The same ID with a wrong check character (for bad-checksum cases)."""
    good = id_number[-1]
    wrong = next(c for c in "0123456789X" if c != good and c != "X")
    return id_number[:-1] + wrong


@dataclass(frozen=True)
class Person:
    """A fake citizen; every document of an application is rendered from one Person."""

    name: str
    id_number: str
    gender: str  # '男' | '女'
    birth_date: dt.date
    ethnicity: str
    address: str
    area_code: str
    city: str
    district: str
    employer: str
    phone: str
    social_security_card_number: str
    bank_card_number: str
    bank_name: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def age(self) -> int:
        return 2026 - self.birth_date.year

    def with_(self, **changes: Any) -> Person:
        return replace(self, **changes)


BANKS = [
    ("中国工商银行", "622202"),
    ("中国建设银行", "621700"),
    ("中国农业银行", "622848"),
    ("中国银行", "621661"),
    ("交通银行", "622262"),
    ("盛京银行", "622178"),
]


def luhn_complete(digits: str) -> str:
    """Append a Luhn check digit (bank card numbers)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return digits + str((10 - total % 10) % 10)


def random_name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_M if gender == "男" else GIVEN_F
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def random_employer(rng: random.Random) -> str:
    return rng.choice(EMPLOYER_PREFIX) + rng.choice(EMPLOYER_CORE) + rng.choice(EMPLOYER_KIND)


def make_person(seed: int, **overrides: Any) -> Person:
    """A deterministic fake person; overrides (name, gender, birth_date, area_code, ...) win.

    The ID number is derived from area code, birth date and gender unless given,
    so overriding e.g. gender keeps the ID consistent.
    """
    rng = random.Random(f"person:{seed}")
    known = {f.name for f in fields(Person)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown Person fields: {sorted(unknown)}")
    # draw everything first so an override does not shift the other draws
    drawn_gender = rng.choice(["男", "女"])
    drawn_birth = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    drawn_area = rng.choice(list(AREAS))
    gender = overrides.get("gender") or drawn_gender
    birth = overrides.get("birth_date") or drawn_birth
    area = overrides.get("area_code") or drawn_area
    if "area_code" not in overrides and not area_valid_for(area, birth):
        same_city = [a for a in TIMELESS_AREAS if AREAS[a][0] == AREAS[area][0]]
        area = rng.choice(same_city or TIMELESS_AREAS)
    city, district = AREAS.get(area, ("沈阳市", "和平区"))
    seq = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
    id_number = overrides.get("id_number") or make_id_number(area, birth, seq)
    street = rng.choice(STREETS)
    address = (
        f"辽宁省{city}{district}{street}{rng.randint(1, 299)}号"
        f"{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}-{rng.randint(1, 6)}-{rng.randint(1, 3)}"
    )
    bank_name, bin_ = rng.choice(BANKS)
    values: dict[str, Any] = {
        "name": random_name(rng, gender),
        "id_number": id_number,
        "gender": gender,
        "birth_date": birth,
        "ethnicity": rng.choice(ETHNICITIES),
        "address": address,
        "area_code": area,
        "city": city,
        "district": district,
        "employer": random_employer(rng),
        "phone": "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)),
        "social_security_card_number": rng.choice("ABCDEFGHJ")
        + "".join(rng.choice("0123456789") for _ in range(8)),
        "bank_card_number": luhn_complete(
            bin_ + "".join(rng.choice("0123456789") for _ in range(12))
        ),
        "bank_name": bank_name,
    }
    values.update(
        {
            k: v
            for k, v in overrides.items()
            if k not in ("gender", "birth_date", "area_code", "id_number")
        }
    )
    values["gender"], values["birth_date"], values["area_code"] = gender, birth, area
    return Person(**values)
