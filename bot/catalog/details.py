"""The shapes of text that can make a person at risk identifiable, in every content language.

The content audit found ages, exact escape dates and a small group's size beside a place
making people traceable. A translation must not bring back what the English left out, so each
check reads English and Korean alike: "27-year-old" and "27세", "March 14" and "3월 14일",
"a group of five" and "일행 다섯 명".
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_HANGUL_NUMBER = r"(?:\d{1,2}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열(?:한|두|세|네)?)"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

AGE = re.compile(
    rf"\b{_NUMBER}[- ]years?[- ]old\b|\baged {_NUMBER}\b|\d{{1,2}}\s?세|"
    r"(?:열|스물|서른|마흔|쉰)[가-힣]{0,2}\s?살|"
    r"(?<![가-힣])(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉)\s?살",
    re.IGNORECASE,
)
DAY = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\b|\b(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"\d{1,2}월\s?\d{1,2}일"
)
METHOD = re.compile(
    r"\b(escap|fled|flee|rescu|smuggl|cross|freed|extract)|"
    r"탈북|탈출|도망|도주|구출|구조|밀입국|월경|건너|건넜|넘어|넘었|풀려",
    re.IGNORECASE,
)
GROUP = re.compile(
    rf"\b{_NUMBER} (?:other|others|fellow)\b|\bgroup of {_NUMBER}\b|"
    rf"일행\s?{_HANGUL_NUMBER}\s?명|{_HANGUL_NUMBER}\s?명의?\s?(?:일행|동료)|"
    rf"(?:다른|동료)\s?{_HANGUL_NUMBER}\s?명|{_HANGUL_NUMBER}\s?명이\s?함께",
    re.IGNORECASE,
)
PLACE = re.compile(
    r"\b(?:in|at|near|from) [A-Z][a-z]+|[가-힣]{2,}(?:에서|\s?근처|\s?인근|\s?부근)"
)
