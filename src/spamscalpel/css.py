"""Just enough CSS to tell whether a style hides text: declarations, simple stylesheets, colours.

This is not a CSS engine. It reads inline ``style`` attributes and ``<style>`` blocks, keeps the
properties that can hide text, and answers "does this set of declarations hide its element, and
why". Selector matching is left to the HTML parser (see ``spamscalpel.html``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# Only these properties can hide text (or, for colours, make it invisible on its background);
# everything else in a stylesheet is dropped as soon as it is read.
HIDING_PROPERTIES: frozenset[str] = frozenset(
    {
        "display",
        "visibility",
        "position",
        "left",
        "top",
        "right",
        "margin-left",
        "margin-top",
        "text-indent",
        "font-size",
        "height",
        "width",
        "max-height",
        "max-width",
        "overflow",
        "overflow-x",
        "overflow-y",
        "opacity",
        "clip",
        "clip-path",
        "color",
        "background",
        "background-color",
    }
)

# Far enough off-screen that no reader will scroll to it; hacks use -999px, -5000px, -9999px.
OFFSCREEN_PX = -500.0
# Pushed right past any realistic viewport width.
FAR_RIGHT_PX = 5000.0

_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z%]*)\s*$", re.I)
# Rough px per unit, assuming a 16px root font and a ~1000px viewport: enough to compare
# against thresholds that are far from any ordinary layout value.
_UNIT_PX = {
    "": 1.0,
    "px": 1.0,
    "em": 16.0,
    "rem": 16.0,
    "ex": 8.0,
    "ch": 8.0,
    "pt": 4.0 / 3.0,
    "pc": 16.0,
    "in": 96.0,
    "cm": 37.8,
    "mm": 3.78,
    "q": 0.945,
    "vw": 10.0,
    "vh": 10.0,
    "vmin": 10.0,
    "vmax": 10.0,
}

NAMED_COLORS: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "lime": (0, 255, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "aqua": (0, 255, 255),
    "cyan": (0, 255, 255),
    "fuchsia": (255, 0, 255),
    "magenta": (255, 0, 255),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "silver": (192, 192, 192),
    "maroon": (128, 0, 0),
    "olive": (128, 128, 0),
    "purple": (128, 0, 128),
    "teal": (0, 128, 128),
    "navy": (0, 0, 128),
    "orange": (255, 165, 0),
    "whitesmoke": (245, 245, 245),
    "snow": (255, 250, 250),
    "ivory": (255, 255, 240),
    "ghostwhite": (248, 248, 255),
    "floralwhite": (255, 250, 240),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "gainsboro": (220, 220, 220),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "beige": (245, 245, 220),
}
_HEX = re.compile(r"#([0-9a-f]{3,8})\b", re.I)
# No "(" inside the arguments: "rgb(" repeated without a ")" would otherwise rescan the rest of
# the value from every "rgb(", quadratic in a hostile style attribute.
_RGB = re.compile(r"rgba?\(\s*([^()]*)\)", re.I)
_WORD = re.compile(r"[a-z]+", re.I)


@dataclass(frozen=True, slots=True)
class Rule:
    """One style rule that touches a hiding property: its selector, declarations and rank."""

    selector: str
    declarations: tuple[tuple[str, str, bool], ...]  # (property, value, important)
    specificity: tuple[int, int, int]
    order: int


@dataclass(frozen=True, slots=True)
class HidingReason:
    """Why a set of declarations hides its element; ``props`` are the properties that decided it."""

    code: str  # display | visibility | offscreen | text-indent | font-size | size | opacity | clip
    description: str  # e.g. "display:none"
    props: tuple[str, ...]


# Techniques that keep text available to screen readers: the ones accessibility classes use.
ACCESSIBLE_CODES: frozenset[str] = frozenset({"offscreen", "text-indent", "size", "clip", "font-size"})


def iter_declarations(style: str) -> Iterator[tuple[str, str, bool]]:
    """Yield ``(property, value, important)`` for each declaration of a style string, lower-cased."""
    for part in _COMMENT.sub(" ", style).split(";"):
        prop, sep, value = part.partition(":")
        if not sep:
            continue
        prop = prop.strip().lower()
        value = value.strip()
        important = False
        low = value.lower()
        if low.endswith("important"):
            head = low[: -len("important")].rstrip()
            if head.endswith("!"):
                value = value[: len(head) - 1].rstrip()
                important = True
        if prop and value:
            yield prop, value, important


def parse_declarations(style: str) -> dict[str, str]:
    """Parse an inline style into ``{property: value}``; a later declaration wins, as in CSS."""
    out: dict[str, str] = {}
    important: set[str] = set()
    for prop, value, imp in iter_declarations(style):
        if prop in important and not imp:
            continue
        out[prop] = value
        if imp:
            important.add(prop)
    return out


def length_px(value: str | None) -> float | None:
    """A CSS length in approximate px, or None for auto, percentages and anything unparsable."""
    if value is None:
        return None
    m = _LENGTH.match(value)
    if not m:
        return None
    unit = m.group(2).lower()
    if unit not in _UNIT_PX:
        return None
    try:
        return float(m.group(1)) * _UNIT_PX[unit]
    except ValueError:  # pragma: no cover - the regex admits only numbers
        return None


def parse_color(value: str | None) -> tuple[int, int, int] | None:
    """The RGB of a colour value (first colour in a ``background`` shorthand); None if unknown or transparent."""
    if not value:
        return None
    m = _HEX.search(value)
    if m:
        h = m.group(1)
        if len(h) in (3, 4):
            if len(h) == 4 and h[3] == "0":
                return None  # fully transparent
            return tuple(int(c * 2, 16) for c in h[:3])  # type: ignore[return-value]
        if len(h) in (6, 8):
            if len(h) == 8 and h[6:8] == "00":
                return None
            return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
        return None
    m = _RGB.search(value)
    if m:
        parts = [p for p in re.split(r"[\s,/]+", m.group(1).strip()) if p]
        if len(parts) < 3:
            return None
        if len(parts) >= 4:
            alpha = parts[3]
            try:
                a = float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha)
            except ValueError:
                return None
            if a <= 0.05:
                return None
        rgb = []
        for p in parts[:3]:
            try:
                v = float(p[:-1]) * 2.55 if p.endswith("%") else float(p)
            except ValueError:
                return None
            rgb.append(max(0, min(255, round(v))))
        return (rgb[0], rgb[1], rgb[2])
    for word in _WORD.findall(value):
        rgb = NAMED_COLORS.get(word.lower())
        if rgb is not None:
            return rgb
    return None


def same_color(a: tuple[int, int, int] | None, b: tuple[int, int, int] | None, tolerance: int = 8) -> bool:
    """Whether two colours are indistinguishable to a reader (each channel within ``tolerance``)."""
    if a is None or b is None:
        return False
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def color_hex(rgb: tuple[int, int, int]) -> str:
    """``#rrggbb`` for an RGB triple."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _clip_is_empty(value: str) -> bool:
    m = re.match(r"\s*rect\(([^)]*)\)", value, re.I)
    if not m:
        return False
    parts = [length_px(p) for p in re.split(r"[\s,]+", m.group(1).strip()) if p]
    if len(parts) != 4 or any(p is None for p in parts):
        return False
    top, right, bottom, left = parts  # type: ignore[misc]
    return bottom - top <= 1 or right - left <= 1  # type: ignore[operator]


def hiding_reasons(decls: Mapping[str, str]) -> list[HidingReason]:
    """Why these (already cascaded) declarations hide their element; empty when they do not."""
    out: list[HidingReason] = []
    get = decls.get
    display = (get("display") or "").strip().lower()
    if display == "none":
        out.append(HidingReason("display", "display:none", ("display",)))
    visibility = (get("visibility") or "").strip().lower()
    if visibility in ("hidden", "collapse"):
        out.append(HidingReason("visibility", f"visibility:{visibility}", ("visibility",)))
    position = (get("position") or "").strip().lower()
    if position in ("absolute", "fixed", "relative"):
        for prop in ("left", "top", "right"):
            px = length_px(get(prop))
            if px is None:
                continue
            if px <= OFFSCREEN_PX or (prop in ("left", "right") and px >= FAR_RIGHT_PX):
                out.append(HidingReason("offscreen", f"off-screen ({prop}:{get(prop)})", (prop, "position")))
                break
    for prop in ("margin-left", "margin-top"):
        px = length_px(get(prop))
        if px is not None and px <= OFFSCREEN_PX:
            out.append(HidingReason("offscreen", f"off-screen ({prop}:{get(prop)})", (prop,)))
            break
    px = length_px(get("text-indent"))
    if px is not None and px <= OFFSCREEN_PX:
        out.append(HidingReason("text-indent", f"text-indent:{get('text-indent')}", ("text-indent",)))
    fs = get("font-size")
    if fs is not None:
        fs_px = length_px(fs)
        if fs_px is None and fs.strip().endswith("%"):
            fs_px = length_px(fs.strip()[:-1])
            fs_px = fs_px * 0.16 if fs_px is not None else None
        if fs_px is not None and fs_px <= 1.0:
            out.append(HidingReason("font-size", f"font-size:{fs}", ("font-size",)))
    overflow = " ".join((get(p) or "") for p in ("overflow", "overflow-x", "overflow-y")).lower()
    if "hidden" in overflow or "clip" in overflow:
        for prop in ("height", "max-height", "width", "max-width"):
            px = length_px(get(prop))
            if px is not None and px <= 1.0:
                out.append(
                    HidingReason("size", f"{prop}:{get(prop)} with overflow:hidden", (prop, "overflow"))
                )
                break
    op = get("opacity")
    if op is not None:
        try:
            o = op.strip()
            val = float(o[:-1]) / 100 if o.endswith("%") else float(o)
        except ValueError:
            val = None
        if val is not None and val <= 0.05:
            out.append(HidingReason("opacity", f"opacity:{op}", ("opacity",)))
    clip = get("clip")
    if clip and position in ("absolute", "fixed") and _clip_is_empty(clip):
        out.append(HidingReason("clip", f"clip:{clip}", ("clip",)))
    cp = (get("clip-path") or "").replace(" ", "").lower()
    if cp.startswith(("inset(50%", "inset(100%", "circle(0")):
        out.append(HidingReason("clip", f"clip-path:{get('clip-path')}", ("clip-path",)))
    return out


def specificity(selector: str) -> tuple[int, int, int]:
    """(ids, classes/attributes/pseudo-classes, type names) of a simple selector."""
    s = re.sub(r"\[[^\]]*\]", ".", selector)  # attribute selectors count as classes
    ids = s.count("#")
    classes = s.count(".") + len(re.findall(r":(?!:)", s))
    types = len(re.findall(r"(?:^|[\s>+~(])([a-zA-Z][\w-]*)", s))
    return (ids, classes, types)


# Pseudo-classes that describe structure; anything else (:hover, :focus, ::before) depends on
# interaction or generated content, so a rule using it does not hide the element as served.
_STRUCTURAL_PSEUDO = re.compile(
    r":(?:not\(|nth-child\(|nth-of-type\(|nth-last-child\(|nth-last-of-type\(|first-child|last-child"
    r"|first-of-type|last-of-type|only-child|only-of-type|root|empty)"
)


def usable_selector(selector: str) -> bool:
    """Whether a selector describes the page as served (no :hover, ::before, ... )."""
    if not selector or "::" in selector:
        return False
    rest = _STRUCTURAL_PSEUDO.sub("", selector)
    return ":" not in rest


def _matching_brace(css: str, i: int) -> int:
    """Index just past the ``}`` that closes the ``{`` at ``i`` (or len(css))."""
    depth = 0
    n = len(css)
    while i < n:
        c = css[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _media_applies(prelude: str) -> bool:
    # Only unconditional screen rules hide text for every visitor; print or width-dependent
    # rules (responsive menus) hide legitimate content on some screens only.
    query = prelude[len("@media") :].strip().lower()
    return query in ("", "all", "screen", "only screen", "screen, print", "all, print")


def parse_stylesheet(css: str, start_order: int = 0) -> list[Rule]:
    """The rules of a stylesheet that set at least one hiding property, in source order."""
    css = _COMMENT.sub(" ", css)
    rules: list[Rule] = []
    order = start_order

    def walk(text: str) -> None:
        nonlocal order
        pos = 0
        n = len(text)
        while pos < n:
            brace = text.find("{", pos)
            if brace < 0:
                return
            prelude = text[pos:brace]
            # A block-less at-rule (@import ...;) or stray junk can sit before the selector.
            if ";" in prelude:
                prelude = prelude.rsplit(";", 1)[1]
            prelude = prelude.strip()
            close = _matching_brace(text, brace)
            body = text[brace + 1 : max(brace + 1, close - 1)]
            pos = close
            if prelude.startswith("@"):
                if prelude.lower().startswith("@media") and _media_applies(prelude):
                    walk(body)
                continue
            decls = tuple((p, v, imp) for p, v, imp in iter_declarations(body) if p in HIDING_PROPERTIES)
            if not decls:
                continue
            for sel in prelude.split(","):
                sel = " ".join(sel.split())
                if not usable_selector(sel):
                    continue
                rules.append(Rule(sel, decls, specificity(sel), order))
                order += 1

    walk(css)
    return rules
