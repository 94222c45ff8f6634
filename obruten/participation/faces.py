"""The five faces of a scale question, drawn once per page as inline SVG symbols: no
image files, no requests, a few hundred bytes. Each differs in its mouth, eyes and
colour, and always stands beside its word (the faces are decorative for a screen reader)."""

from django.utils.safestring import mark_safe

_EYES = '<circle cx="17" cy="19" r="2.5"/><circle cx="31" cy="19" r="2.5"/>'
_LINE = 'fill="none" stroke="#1b1b1b" stroke-width="2.5" stroke-linecap="round"'
_SHAPES = {
    1: (  # very sad: frown, raised inner brows, a tear
        "#f4a3a3",
        f'{_EYES}<path d="M12 14 L20 11 M36 14 L28 11 M15 37 Q24 27 33 37" {_LINE}/>'
        '<path d="M15 24 q-3 5 0 6 q3 -1 0 -6z" fill="#2f6fb0"/>',
    ),
    2: ("#f9c88b", f'{_EYES}<path d="M16 34 Q24 29 32 34" {_LINE}/>'),  # sad
    3: ("#fbe27a", f'{_EYES}<path d="M16 32 H32" {_LINE}/>'),  # neither
    4: ("#c3e6a1", f'{_EYES}<path d="M15 29 Q24 37 33 29" {_LINE}/>'),  # happy
    5: (  # very happy: laughing eyes, wide open smile
        "#8cd6a4",
        f'<path d="M13 20 Q17 14 21 20 M27 20 Q31 14 35 20" {_LINE}/>'
        '<path d="M13 27 Q24 43 35 27 Z" fill="#1b1b1b"/>',
    ),
}
FACES = mark_safe(  # noqa: S308 - constant markup written here
    '<svg class="sprite" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
    + "".join(
        f'<symbol id="face-{n}" viewBox="0 0 48 48"><circle cx="24" cy="24" r="21" fill="{colour}" '
        f'stroke="#1b1b1b" stroke-width="2.5"/>{features}</symbol>'
        for n, (colour, features) in _SHAPES.items()
    )
    + "</defs></svg>"
)
