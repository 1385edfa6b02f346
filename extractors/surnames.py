"""Chinese surnames: the closed set a personal name's first character comes from.

OCR reads a blurred surname as a look-alike that is no surname at all (阎 → 间,
闫 → 问). Given names are open-ended, surnames are not: the 《百家姓》 single and
compound surnames plus the common modern ones (闫, 付, 肖, 迟, 战 … frequent in
Liaoning) cover practically every resident. `prefer_surname` uses the list only
to choose among the recogniser's own candidates for the first character; it never
invents a character the model did not see.
"""

from __future__ import annotations

from pipeline.models import OcrLine

SINGLE_SURNAMES = frozenset(
    # 《百家姓》
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
    "云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常"
    "乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞"
    "熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍"
    "虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁"
    "荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
    "池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温"
    "别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧"
    "殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游"
    "竺权逯盖益桓公岳帅缑亢况郈有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福"
    # common modern surnames and variants not in the rhyme
    "闫付肖迟战隋初矫衣丛由修仝綦么兰覃粟涂旷庹代揭植练招官母展麦占降苑郎靖晋邸芦卜"
    "佀栗檀银种续谌郇诸过仉帖冼区钦钞回仇"
)

CONTENDER = 0.1  # a runner-up less likely than this is not evidence for a surname

COMPOUND_SURNAMES = frozenset(
    (
        "万俟",
        "司马",
        "上官",
        "欧阳",
        "夏侯",
        "诸葛",
        "闻人",
        "东方",
        "赫连",
        "皇甫",
        "尉迟",
        "公羊",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "申屠",
        "公孙",
        "仲孙",
        "轩辕",
        "令狐",
        "钟离",
        "宇文",
        "长孙",
        "慕容",
        "鲜于",
        "闾丘",
        "司徒",
        "司空",
        "亓官",
        "司寇",
        "子车",
        "颛孙",
        "端木",
        "巫马",
        "公西",
        "漆雕",
        "乐正",
        "壤驷",
        "公良",
        "拓跋",
        "夹谷",
        "宰父",
        "谷梁",
        "段干",
        "百里",
        "东郭",
        "南门",
        "呼延",
        "羊舌",
        "微生",
        "梁丘",
        "左丘",
        "东门",
        "西门",
        "南宫",
        "第五",
    )  # fmt: skip
)


def has_known_surname(name: str) -> bool:
    return name[:2] in COMPOUND_SURNAMES or name[:1] in SINGLE_SURNAMES


def prefer_surname(name: str, line: OcrLine) -> str:
    """The name with its first character replaced by the recogniser's most likely
    candidate that is a surname — only when the character it chose is none.

    Minority names written with · and names whose surname is already known are left
    as they are, as is a name that cannot be found in its line's text.
    """
    if not name or "·" in name or has_known_surname(name) or not line.alternatives:
        return name
    start = _position_in(name, line.text)
    if start is None:
        return name
    for alternative in line.alternatives:
        if alternative.index != start:
            continue
        for char, probability in alternative.options:
            if char in SINGLE_SURNAMES and probability >= CONTENDER:
                return char + name[1:]
    return name


def _position_in(name: str, text: str) -> int | None:
    """Index in `text` of the name's first character (the OCR text may hold spaces)."""
    compact_positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[i] for i in compact_positions)
    found = compact.find(name)
    return compact_positions[found] if found >= 0 else None
