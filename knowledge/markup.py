"""Questions pasted from formatted text: HTML and Markdown markup removed, the words kept.

A question copied from a web page or a chat app arrives as "<b>what</b> is a *change system*?"
or with a list's numbering in front. The tags, emphasis marks, link targets and list numbers
are not words anyone asked about, but the tokenizers weigh them (an unknown word counts as a
sign of a foreign topic), so such a question used to be declined. Link targets and code fences
are dropped; a link's text and inline code's content stay, since they are part of what was
asked. Chat-template tokens ("<|im_start|>") are not HTML and are left for the injection guard.
"""

from __future__ import annotations

import html
import re

HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
CODE_FENCE = re.compile(r"```[^\n]*")
INLINE_CODE = re.compile(r"`+([^`]*)`+")
#: Emphasis marks around words (*x*, **x**, _x_, __x__, ~~x~~); snake_case and 2*3 survive.
EMPHASIS = re.compile(r"(?<![\w*~])(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1(?![\w*~])")
LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)+", re.MULTILINE)
#: A run of list numbers or bullets pasted inline: "1. 2. 3! what is ..." keeps "what is ...".
NUMBERING = re.compile(r"(?:(?<=\s)|^)(?:\d{1,3}[.)!:]\s+){2,}")
SPACES = re.compile(r"[ \t]+")
#: The question inside pasted text: a clause from a question word to a final question mark.
QUESTION_CLAUSE = re.compile(
    r"(?:^|[\s,;:.!¿])((?:what|how|why|who|which|where|when|qu[eé]|c[oó]mo|por qu[eé]|"
    r"qui[eé]n|cu[aá]l|cu[aá]les|d[oó]nde|cu[aá]ndo)\b[^?¿]*\?)\s*$",
    re.IGNORECASE,
)


def strip_markup(text: str) -> str:
    """The question's words without HTML or Markdown markup (whitespace collapsed)."""
    text = HTML_COMMENT.sub(" ", text)
    text = HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = MD_IMAGE.sub(r"\1", text)
    text = MD_LINK.sub(r"\1", text)
    text = CODE_FENCE.sub(" ", text)
    text = INLINE_CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis (***x*** or **_x_**)
        text = EMPHASIS.sub(r"\2", text)
    text = LINE_MARK.sub("", text)
    text = NUMBERING.sub("", text)
    text = SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def question_in(pasted: str) -> str:
    """The question a pasted, formatted text ends with ("... `code` what is X?" -> "what is
    X?"); the whole text when it does not end with one. Used only for text that carried
    markup: formatting leftovers ("bold", "link") otherwise pull retrieval off the topic."""
    match = QUESTION_CLAUSE.search(pasted)
    return match.group(1).strip() if match else pasted
