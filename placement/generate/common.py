"""Shared pieces of the synthetic data generator: the reference date, dates, names,
weighted exact-count choices and the vocabulary of lines of work.

Everything random goes through a `numpy.random.Generator` passed in by the
caller (`numpy.random.default_rng(seed)`); nothing here reads the clock, the
global random state or the order of a set.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

REFERENCE_DATE = dt.date(2026, 9, 1)
REF = np.datetime64(REFERENCE_DATE.isoformat(), "D")
DAYS_PER_YEAR = 365.25
ASSESSMENT_YEAR = REFERENCE_DATE.year - 1  # the newest annual grade on the reference date
# The democratic evaluation (民主测评, R-RO9) of the sitting cadres is the one taken for this
# cycle, in the reference year: a term plan uses it in its first year.
EVALUATION_YEAR = REFERENCE_DATE.year

# Youngest age at which a cadre plausibly reached each rank (ours).
MIN_AGE_AT_RANK = {"副科": 25, "正科": 28, "副处": 31, "正处": 34, "副厅": 38, "正厅": 42}

# Lines of work; they name team systems and cadres' specialties alike.
SPECIALTIES = (
    "财政", "经济", "农业", "三农", "工业", "城建", "交通", "水利", "教育", "卫生", "法律",
    "公安", "纪检监察", "组织", "宣传", "统战", "审计", "统计", "自然资源", "生态环境", "商务",
    "文旅", "应急", "民政", "人社", "市场监管", "金融", "信访", "党建",
)

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
    "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康",
    "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤",
    "尹", "黎", "易", "常", "武", "乔", "贺", "赖", "龚", "文", "牛", "温", "柴", "申", "卫",
)
MALE_CHARS = tuple("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥"
                   "才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会"
                   "思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌"
                   "梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛")
FEMALE_CHARS = tuple("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣"
                     "爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾"
                     "颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽"
                     "琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵")


def exact_choice(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """A boolean mask with exactly `k` True, drawn without replacement with `weights`."""
    w = np.asarray(weights, dtype=float)
    mask = np.zeros(len(w), dtype=bool)
    k = int(min(max(k, 0), int((w > 0).sum())))
    if k:
        mask[rng.choice(len(w), size=k, replace=False, p=w / w.sum())] = True
    return mask


def date_of(year, month: int, day: int) -> np.ndarray:
    """Vectorised `date(year, month, day)` as datetime64[D]."""
    y = np.asarray(year, dtype=np.int64) - 1970
    return (y.astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)).astype(
        "datetime64[D]") + (day - 1)


def birth_dates(rng: np.random.Generator, age) -> np.ndarray:
    """Birth dates giving exactly `age` completed years on the reference date."""
    age = np.asarray(age, dtype=np.int64)
    year = REFERENCE_DATE.year - age - 1
    start = date_of(year, REFERENCE_DATE.month, REFERENCE_DATE.day) + 1
    end = date_of(year + 1, REFERENCE_DATE.month, REFERENCE_DATE.day)
    span = (end - start).astype(np.int64) + 1
    return start + np.floor(rng.random(len(age)) * span).astype(np.int64)


def years_before_ref(rng: np.random.Generator, low, high, n: int | None = None) -> np.ndarray:
    """Dates between `high` and `low` years before the reference date (low ≤ high);
    `n` of them, or one per element of the bounds."""
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    n = max(low.size, high.size) if n is None else n
    years = low + rng.random(n) * (high - low)
    return REF - np.rint(years * DAYS_PER_YEAR).astype(np.int64)


def add_years(dates: np.ndarray, years) -> np.ndarray:
    return dates + np.rint(np.asarray(years, dtype=float) * DAYS_PER_YEAR).astype(np.int64)


def years_between(start: np.ndarray, end: np.ndarray = REF) -> np.ndarray:
    return (end - start).astype("timedelta64[D]").astype(np.int64) / DAYS_PER_YEAR


def names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Chinese names: a surname and one or two given characters, by gender."""
    n = len(female)
    sur = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    male_c = np.array(MALE_CHARS, dtype=object)
    fem_c = np.array(FEMALE_CHARS, dtype=object)
    first = np.where(female, fem_c[rng.integers(0, len(fem_c), n)],
                     male_c[rng.integers(0, len(male_c), n)])
    second = np.where(female, fem_c[rng.integers(0, len(fem_c), n)],
                      male_c[rng.integers(0, len(male_c), n)])
    second = np.where(rng.random(n) < 0.72, second, "")
    return sur + first + second


def pick(rng: np.random.Generator, values, n: int, p=None) -> np.ndarray:
    """`n` draws from `values` (object array)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return arr[rng.choice(len(arr), size=n, p=p)] if n else arr[:0]
