"""django-csp's middleware, with the site's own policy built once instead of on every response.

django-csp rebuilds both headers from settings for each response (dataclasses.asdict, sorting
and joining the directives: ~25 us, some 7 % of the CPU of a request to /api/ping/ under
gunicorn). The site-wide policy only changes with the settings, so it is built once per
process (again after a settings override, as tests make). A response that customises its
policy (csp_update, csp_replace, csp_override), a request that used a nonce, and DEBUG's error
pages go through django-csp unchanged.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

CUSTOMISING = ("_csp_config", "_csp_update", "_csp_replace",
               "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
# {header: (value, the response attribute that exempts it, the path prefixes it skips)},
# replaced whole, never changed in place: threads may be reading it.
_site = {"headers": None}


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site["headers"] = None


def _excluded(setting: str) -> tuple:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())


def site_headers() -> dict:
    headers = _site["headers"]
    if headers is None:
        headers = _site["headers"] = {
            HEADER: (build_policy(), "_csp_exempt", _excluded("CONTENT_SECURITY_POLICY")),
            HEADER_REPORT_ONLY: (build_policy(report_only=True), "_csp_exempt_ro",
                                 _excluded("CONTENT_SECURITY_POLICY_REPORT_ONLY")),
        }
    return headers


def _customised(request, response) -> bool:
    nonce = getattr(request, "_csp_nonce", None)
    return nonce is not None or any(getattr(response, name, None) is not None for name in CUSTOMISING)


class SitePolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if settings.DEBUG or _customised(request, response):
            return super().process_response(request, response)
        for header, (value, exempt, excluded) in site_headers().items():
            if (value and header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(excluded)):
                response[header] = value
        # As django-csp does: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
