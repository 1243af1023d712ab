"""The one settings module. Every value that varies comes from config.env."""

from datetime import timedelta

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from common.databases import uses_cassandra
from config import env
from config.databases import build_databases

BASE_DIR = env.BASE_DIR

DEBUG = env.get_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.get("DJANGO_SECRET_KEY", "django-insecure-local-development-only")
    # 0.0.0.0 too: `runserver 0.0.0.0:8000` users (CockroachDB's tutorial) curl that address.
    ALLOWED_HOSTS = env.get_hosts("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"])  # noqa: S104
else:
    missing = [n for n in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS") if not env.get(n)]
    if missing:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=true for local work, as `make run` does)."
        )
    SECRET_KEY = env.get("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.get_hosts("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.get_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The site's own page (templates/403_csrf.html): Django's breaks the Content-Security-Policy.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# Seconds a SQL connection stays open for the next request of its thread. 0 (close after
# each request) unless the server runs a fixed pool of request threads: gunicorn.conf.py
# sets it for its gthread workers. runserver and uvicorn start a thread per request, whose
# kept connection nobody would ever reuse or close (see config/databases.py).
DATABASES = build_databases(conn_max_age=env.get_int("DJANGO_CONN_MAX_AGE", 0))
DATABASE_ROUTERS = ["config.routers.AppDatabaseRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # intcomma: thousands separators in the pages
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves /api/docs' Swagger UI from our own static files, not a CDN
    "axes",  # admin login lockout
    "config",
    "access",
    "counter",
    "trips",
    "bank",
    "parties",
    "catalog",
]
if uses_cassandra(DATABASES):
    # Its management commands (sync_cassandra) must win, so it goes first.
    INSTALLED_APPS.insert(0, "django_cassandra_engine")

MIDDLEWARE = [
    "config.middleware.DisallowedHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.csp.SitePolicyCSPMiddleware",  # django-csp's, the site's policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RefuseUnstorableTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.JsonMethodNotAllowedMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any check
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.get_time_zone("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening; `manage.py check --deploy` reports nothing with DEBUG off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.get_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.get_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if not SECURE_SSL_REDIRECT:
        # DJANGO_SECURE_SSL_REDIRECT=false is for a TLS proxy in front that redirects http
        # to https itself (README, "Deploy"); check --deploy's W008 would stop `make serve`.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# REDIS_URL: one cache shared by every worker process (station pages, API throttles);
# without it, each process keeps its own in memory. A Redis that fails answers as a miss
# (config.cache), so pages still render; /healthz says so.
REDIS_URL = env.get_redis_url("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "config.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        # Short socket timeouts: a dead or unreachable Redis must not hold up a page.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The DEBUG error page masks passwords inside values too (DATABASE_URL-style variables).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.debugfilter.MaskingFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"()": "config.logs.UTCFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_log_level("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # axes announces itself at INFO on every start, every manage.py command included.
        "axes": {"level": "WARNING"},
    },
}

# trips: how often (seconds) a process checks whether its cached station pages are stale.
TRIPS_PAGE_CACHE_SECONDS = 1.0

# bank: how often a write retries a serialization failure (SQLSTATE 40001).
BANK_RETRY_ATTEMPTS = env.get_int("BANK_RETRY_ATTEMPTS", 8, minimum=1)
BANK_RETRY_BASE_DELAY = 0.005
BANK_RETRY_MAX_DELAY = 0.5
# bank on PostgreSQL: "accounts" makes only transfers that share an account wait for each
# other; "table" is the older fence that queues them all (bank/locks.py explains both).
BANK_TRANSFER_LOCKING = "accounts"

# --- who may do what (see access.policy and the README's access policy) --------------
# API writes per client through the cache: "N/s", "N/min", "N/hour", "N/day", or "off".
API_ANON_RATE = env.get_rate("API_ANON_RATE", "120/min")
API_USER_RATE = env.get_rate("API_USER_RATE", "1200/min")
# How many reverse proxies in front append to X-Forwarded-For; 0 trusts only REMOTE_ADDR,
# so a client cannot pick its own address for throttles and lockouts.
API_PROXY_COUNT = env.get_int("API_PROXY_COUNT", 0, minimum=0)
NINJA_NUM_PROXIES = API_PROXY_COUNT

# django-axes: an admin login is locked for a username from one address after 5 failures.
# At least 1: axes locks a login whose failures reach the limit, so 0 locks out every login.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5, minimum=1)
# At most a year: timedelta overflows past about 1.5e12 minutes.
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("AXES_COOLOFF_MINUTES", 15, minimum=1, maximum=525_600))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "access.throttles.client_address"
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
# A failed login's form data is kept for staff to read, masked as axes masks it by default
# (password, username, address) and without its CSRF token (which holds the browser's secret).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# Where a login goes when its next= is off-site (refused) or missing: Django's default,
# /accounts/profile/, is no page here.
LOGIN_REDIRECT_URL = "admin:index"

# django-csp: scripts and styles only from our own static files, on every page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
