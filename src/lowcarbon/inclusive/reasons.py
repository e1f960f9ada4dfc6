"""The stable reason codes of an event's answer, with their zh-CN and English texts, and ``InvalidEvent``.

A partner reads the code (``"reason": "cap_reached"``); a person's page shows the text in their language. The codes
are part of the HTTP contract: add new ones, never rename one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from lowcarbon.errors import InvalidInput, NotFound

__all__ = ["REASONS", "InvalidEvent", "UnknownMethodology", "reason_text"]

REASONS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        # the event cannot be read (lowcarbon.inclusive.batches): rejected
        "bad_person": {"zh-CN": "缺少或无效的用户标识", "en": "the person's pseudonym is missing or not a text"},
        "bad_time": {"zh-CN": "发生时间不是带时区的 RFC 3339 时间", "en": "occurred_at is not an RFC 3339 time"},
        "bad_quantity": {"zh-CN": "计量数据不是数字", "en": "a quantity is not a number"},
        "bad_reference": {"zh-CN": "凭证编号无效", "en": "a reference is not a text"},
        "bad_place": {"zh-CN": "位置不是 [纬度, 经度]", "en": "place is not [latitude, longitude]"},
        # the event itself is wrong: rejected
        "unknown_behaviour": {
            "zh-CN": "未知的低碳行为",
            "en": "the behaviour is not one of the published methodologies",
        },
        "unknown_version": {"zh-CN": "方法学没有该版本", "en": "the methodology has no such version"},
        "missing_quantity": {"zh-CN": "缺少计量数据", "en": "a quantity the methodology needs is missing"},
        "unknown_quantity": {"zh-CN": "含有方法学未定义的计量数据", "en": "a quantity is not one of the methodology's"},
        "invalid_quantity": {"zh-CN": "计量数据不是有限的数字", "en": "a quantity is not a finite number"},
        "negative_quantity": {"zh-CN": "计量数据为负数", "en": "a quantity is negative"},
        "missing_reference": {"zh-CN": "缺少必需的凭证编号", "en": "a reference the methodology needs is missing"},
        "not_eligible": {"zh-CN": "不符合方法学的适用条件", "en": "the event is outside the methodology's eligibility"},
        "no_reduction": {"zh-CN": "没有产生减排量", "en": "the behaviour reduces no emissions"},
        "invalid_certificate": {
            "zh-CN": "证书无效或不在有效期内",
            "en": "the certificate is not valid for the product on the day of purchase",
        },
        "too_old": {"zh-CN": "已超过申报期限", "en": "the event is older than the claim window"},
        "in_future": {"zh-CN": "发生时间晚于当前时间", "en": "the event's time is in the future"},
        # anti-fraud: held for a reviewer
        "impossible_speed": {"zh-CN": "速度不合常理", "en": "the distance cannot be covered in the time given"},
        "burst": {"zh-CN": "短时间内行为过于频繁", "en": "too many events in too short a time"},
        "same_trip_other_partner": {
            "zh-CN": "同一行程已由其他平台申报",
            "en": "another partner reported an overlapping trip of the same person",
        },
        # caps: credited, in part or not at all
        "capped": {"zh-CN": "已达上限，部分计入", "en": "credited in part: the rest is over the cap"},
        "cap_reached": {"zh-CN": "已达上限，本次不计入", "en": "not credited: the cap is reached"},
    }
)


def reason_text(reason: str, language: str = "en") -> str:
    """The text of a reason code in ``language`` (zh-CN or en; English for any other), or the code if unknown."""
    texts = REASONS.get(reason)
    if texts is None:
        return reason
    return texts.get(language, texts["en"])


class InvalidEvent(InvalidInput):
    """An event that cannot be credited under its methodology; ``reason`` is a code of ``REASONS``.

    ``str()`` is an English sentence naming the quantity and the rule; ``text(language)`` the reason's text in a
    language; ``params`` the values the sentence names (quantity, bound, value).
    """

    code = "invalid_event"

    def __init__(self, reason: str, message: str, **params: Any) -> None:
        if reason not in REASONS:
            raise ValueError(f"{reason!r} is not a reason code of REASONS")
        super().__init__(message, reason=reason)
        self.params: Mapping[str, Any] = params

    def text(self, language: str = "en") -> str:
        return reason_text(self.reason, language)


class UnknownMethodology(NotFound):
    """No methodology for the behaviour, or not at the version asked; ``reason`` is unknown_behaviour or
    unknown_version (404 when asked for by the API; an event naming it is rejected with the reason)."""

    code = "unknown_methodology"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, reason=reason)

    def text(self, language: str = "en") -> str:
        return reason_text(self.reason, language)
