"""Money as people read it on any page or print: ¥1,234.50 (grouped thousands, two decimals), and on
receipts also in Chinese capitals (大写金额), as the rules for bills and receipts require."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")  # within a group of four digits
GROUPS = ("", "万", "亿", "万亿")


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value) -> str:
    amount = _amount(value)
    return str(value or "") if amount is None else f"¥{amount:,.2f}"


def _four(group: int) -> str:
    """1..9999 in capitals: one 零 for any run of zeros between digits, none at the end."""
    text, gap = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            gap = bool(text)
            continue
        text += ("零" if gap else "") + DIGITS[digit] + PLACES[place]
        gap = False
    return text


def _yuan(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):  # zeros before this group's first digit
            text += "零"
        text += _four(group) + GROUPS[index]
        gap = False
    return text


def in_capitals(amount: Decimal) -> str:
    """人民币大写: 1234.50 -> 壹仟贰佰叁拾肆元伍角整, 1.05 -> 壹元零伍分, 0 -> 零元整; 整 after 元 or 角
    (no 分), 负 before a negative amount."""
    cents = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents == 0:
        return "零元整"
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _yuan(yuan) + ("元" if yuan else "")
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    text += DIGITS[fen] + "分" if fen else "整"
    return ("负" if amount < 0 else "") + text


@register.filter
def capitals(value) -> str:
    amount = _amount(value)
    return "" if amount is None else in_capitals(amount)
