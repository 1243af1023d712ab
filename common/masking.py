"""Passwords and tokens out of URLs before they are shown. No Django here: load_trips' parser
process imports it too."""

import re

SCHEME_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)(.*)$", re.DOTALL)
SECRET_PARAMS = re.compile(
    r"([?&;](?:password|passwd|pwd|sslpassword|token|secret|client_secret|private_key_passphrase)=)[^&;#]*",
    re.IGNORECASE,
)


def mask_url(url: str) -> str:
    """The URL with its password (or token) and secret query parameters replaced.

    Not urlsplit: an unquoted `/`, `#` or `?` in a password would end the host part there
    and leave the rest of the password in the "path". Everything between the first `:` and
    the last `@` after the scheme is taken as the password instead, which may hide more
    than needed but never less.
    """
    match = SCHEME_PREFIX.match(url)
    if not match:
        return SECRET_PARAMS.sub(r"\1***", url)
    scheme, rest = match.groups()
    user_end = rest.rfind("@")
    if user_end != -1:
        user, colon, _ = rest[:user_end].partition(":")
        if colon and "/" not in user:
            rest = f"{user}:***{rest[user_end:]}"
    return scheme + SECRET_PARAMS.sub(r"\1***", rest)
