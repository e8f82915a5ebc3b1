"""Our own JS and CSS, minified as they are served: comments and indentation out (about a third
less once gzipped), so the capture screen keeps within its 30 KB budget while the sources keep
their comments.

rjsmin cannot minify a template literal nested in another's ${…} (it squeezes the inner one's
text as if it were code). So every minified script is checked: the strings, template texts and
regular expressions read from it must be exactly those read from the source, or the source is
served as it is. A misreading of either side can then only cost size, never change a script."""

from __future__ import annotations

import re

import rcssmin
import rjsmin

# After these, a "/" starts a regular expression rather than a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
_REGEX_KEYWORDS = re.compile(
    r"(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$")
_WORD = re.compile(r"[\w$]+")


def literals(source: str) -> list[str]:
    """Every string, template text and regular expression in a script, in order."""
    found: list[str] = []
    stack: list[int] = []  # one entry per open template: the brace depth in its current ${…}
    in_text = False  # inside a template's text (rather than in code)
    start = 0  # where the current template text began
    last = ""  # the code read last, for telling a regular expression from a division
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if in_text:
            if c == "\\":
                i += 2
                continue
            if c == "`" or source.startswith("${", i):
                found.append(source[start:i])
                if c == "`":
                    stack.pop()
                    in_text = False
                    last = "`"
                    i += 1
                else:
                    in_text = False
                    last = "{"
                    i += 2
                continue
            i += 1
            continue
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "'\"":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            found.append(source[i:j + 1])
            last = c
            i = j + 1
        elif c == "`":
            stack.append(0)
            in_text, start = True, i + 1
            i += 1
        elif c == "/" and (last in _REGEX_AFTER or _REGEX_KEYWORDS.search(last)):
            j, in_class = i + 1, False
            while j < n and (source[j] != "/" or in_class):
                if source[j] == "\\":
                    j += 1
                elif source[j] in "[]":
                    in_class = source[j] == "["
                j += 1
            found.append(source[i:j + 1])
            last = "/"
            i = j + 1
        elif c == "{" and stack:
            stack[-1] += 1
            last = c
            i += 1
        elif c == "}" and stack:
            if stack[-1] == 0:
                in_text, start = True, i + 1
            else:
                stack[-1] -= 1
            last = c
            i += 1
        elif c.isspace():
            i += 1
        else:
            word = _WORD.match(source, i)
            last = word.group() if word else c
            i += len(word.group()) if word else 1
    return found


def minify_js(source: str) -> str:
    minified = rjsmin.jsmin(source)
    return minified if literals(minified) == literals(source) else source


def minify_css(source: str) -> str:
    return rcssmin.cssmin(source)
