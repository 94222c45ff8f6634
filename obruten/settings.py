"""Obruten's one settings module, read from the environment (12-factor).

Every value a deployment changes comes from an environment variable; secrets may
also be read from a file named by ``<NAME>_FILE`` (Docker/systemd credentials).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from obruten.teaching import timeplan

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name: str, default: str | None = None) -> str | None:
    """Return ``name`` from the environment, or the contents of ``name_FILE``."""
    if name in os.environ:
        return os.environ[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return default


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE); `make install` creates one."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
DEMO_MODE = env_bool("DEMO_MODE", False)

# The audit chain's HMAC key (docs/audit-log.md): kept outside the database, so whoever
# can write the database still cannot forge the chain.
AUDIT_KEY = env("AUDIT_KEY") or ""
if not AUDIT_KEY:
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(
            "AUDIT_KEY is not set. Set AUDIT_KEY (or AUDIT_KEY_FILE); `make install` creates one."
        )
    # Development and demo only: anyone who knows SECRET_KEY can forge this chain.
    AUDIT_KEY = "insecure-dev-audit-key:" + hashlib.sha256(SECRET_KEY.encode()).hexdigest()
# The public address of links in e-mails and QR codes (SITE_URL is its old name); unset,
# links follow the request (docs/production.md).
OBRUTEN_BASE_URL = env("OBRUTEN_BASE_URL") or env("SITE_URL") or ""

# Behind a reverse proxy (docs/production.md): how many proxies stand in front, and the
# header each appends the address it was called from to. 0: no proxy, REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", "X-Forwarded-For") or "X-Forwarded-For"
if env("SECURE_PROXY_SSL_HEADER"):
    if len(env_list("SECURE_PROXY_SSL_HEADER", "")) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be header,value: X-Forwarded-Proto,https")
    _ssl_header, _ssl_value = env_list("SECURE_PROXY_SSL_HEADER", "")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), _ssl_value)

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'obruten.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,  # a kept connection is checked before a request reuses it
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "obruten.sso.apps.LockoutConfig",  # axes, named in Swedish
    "csp",
    "obruten.register",
    "obruten.accounts",
    "obruten.audit",
    "obruten.followup",
    "obruten.obligations",
    "obruten.statistics",
    "obruten.participation",
    "obruten.operations",
    "obruten.casework",
    "obruten.teaching",
    "obruten.teams",
    "obruten.municipal",
    "django_otp",
    "obruten.sso.apps.TotpConfig",  # django_otp.plugins.otp_totp
    "obruten.sso.apps.WebauthnConfig",  # django_otp_webauthn
    "obruten.sso",
    "obruten.api",
    "obruten.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "obruten.middleware.IdleSessionMiddleware",
    "obruten.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "obruten.sso.middleware.SecondFactorMiddleware",
    "obruten.audit.middleware.ReadsAfterResponseMiddleware",
    "obruten.middleware.PrivacyHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "obruten.urls"
WSGI_APPLICATION = "obruten.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "obruten.context_processors.obruten",
            ],
        },
    },
]

# Widgets through Jinja2 where Django ships the template (obruten/forms_renderer.py).
FORM_RENDERER = "obruten.forms_renderer.JinjaFirst"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "obruten.sso.backends.ProviderBackend",
    "obruten.sso.backends.LocalPasswordBackend",
]

# Sign-in through the organisation's OpenID Connect provider (docs/sign-in.md), on when
# OIDC_CLIENT_ID is set. Then every session needs a second factor (the provider's acr/amr
# or Obruten's TOTP), and outside demo mode only BREAK_GLASS_USERS may use a password.
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID") or ""
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET") or ""
OIDC_ISSUER = env("OIDC_ISSUER") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT") or ""
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT") or ""
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT") or ""
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT") or ""  # not read: the ID token suffices
if OIDC_ENABLED:
    _missing = [
        name
        for name, value in [
            ("OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("OIDC_ISSUER", OIDC_ISSUER),
            ("OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT),
        ]
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"OIDC_CLIENT_ID is set, so set {', '.join(_missing)} too")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256") or "RS256"
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid") or "openid"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES", "")
# Asks the provider for two factors; the ID token's acr/amr is what Obruten checks.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": " ".join(OIDC_MFA_ACR_VALUES)} if OIDC_MFA_ACR_VALUES else {}
BREAK_GLASS_USERS = env_list("BREAK_GLASS_USERS", "")
# Every session passes a second factor before any page: always with the provider, and with
# SECOND_FACTOR_REQUIRED where passwords are the first factor. Production refuses to start
# with neither (obruten.sso.checks, `check --deploy`); only demo and tests run without.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "Obruten"
# Security keys and passkeys (django-otp-webauthn) as a second factor only: the provider,
# or the break-glass password, is always the first. The RP ID is the host name staff
# see; a key registered for one RP ID works for no other (docs/sign-in.md).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", "localhost") or "localhost"
OTP_WEBAUTHN_RP_NAME = "Obruten"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", "http://localhost:8000")
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out after repeated failures (django-axes): per username and, separately, per
# client address, so neither guessing one account from many addresses nor spraying one
# password over many accounts goes unlimited (docs/production.md).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "obruten.proxy.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions end after 30 idle minutes and with the browser. A request renews the session
# when it was last renewed more than a minute ago (obruten.middleware.IdleSessionMiddleware),
# not on every request: a write per page view cost 2 ms of the 15 a page may take.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Over https the cookies are __Host- cookies: a browser accepts them only from this host,
# secure, for the whole path, so a sibling subdomain or plain http cannot plant a session id.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only, in production (docs/production.md); off by default so `make run` works.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Browser features no page uses, denied by the Permissions-Policy header on every response.
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# A strict Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or PROJECT_DIR / "var" / "static")

# The protected report cubes are costly to make (docs/statistics.md): with CACHE_DIR every
# process (gunicorn's workers, the commands) shares them through files; without it each
# process keeps its own in memory.
if CACHE_DIR := env("CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production names STATIC_ROOT and serves what `collectstatic` put there, hashed and
# compressed (docs/production.md); `make run` and the tests serve the source files.
STATIC_COLLECTED = not DEBUG and bool(env("STATIC_ROOT"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "obruten@localhost")

# Personal data never goes to the log: only the request line and status are logged,
# and URLs carry no more than opaque record numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "obruten.logging.RedactTokens"},
        "mask_personal_numbers": {"()": "obruten.logging.MaskPersonalNumbers"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens", "mask_personal_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own request loggers log paths; route them through the same filter.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Obruten's own rules.
SCHOOL_START_GOAL_DAYS = env_int("SCHOOL_START_GOAL_DAYS", 7)
# The municipality's own routines beyond the law (docs/rules.md), off by default:
# övervägande for 18–20-year-olds under SoL, and care-plan revisions after the first.
LOCAL_REVIEW_AFTER_18 = env_bool("LOCAL_REVIEW_AFTER_18", False)
LOCAL_CARE_PLAN_REVISION_YEARS = env_int("LOCAL_CARE_PLAN_REVISION_YEARS", 0)
# The follow-ups of a child's schooling after a return home, in months after care ended
# (seed 001, "Stöd efter avslutad placering"; the municipality's own routine, docs/rules.md).
_AFTER_CARE_MONTHS = env("AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS", "1,6") or "1,6"
try:
    AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS = tuple(sorted({int(m) for m in _AFTER_CARE_MONTHS.split(",")}))
except ValueError as exc:
    raise ImproperlyConfigured(
        f"AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS: whole months separated by commas, not {_AFTER_CARE_MONTHS!r}"
    ) from exc
# The school coordinators follow young people in gymnasieskolan too (Stockholm's project:
# "grundskolan såväl som unga i gymnasieskolan", seed 002); off: until year 9 ends.
COORDINATOR_FOLLOWS_UPPER_SECONDARY = env_bool("COORDINATOR_FOLLOWS_UPPER_SECONDARY", True)
# Skolfam's target group (docs/rules.md; Stockholm's from seed 001): placement forms, ages
# (on the day), the county the child is placed in, and a least time placed so far.
SKOLFAM_FORMS = frozenset(
    (env("SKOLFAM_FORMS", "familjehem,narstaendehem") or "familjehem,narstaendehem").split(",")
)
SKOLFAM_AGE_FROM = env_int("SKOLFAM_AGE_FROM", 6)
SKOLFAM_AGE_TO = env_int("SKOLFAM_AGE_TO", 12)
SKOLFAM_COUNTY = env("SKOLFAM_COUNTY", "01") or ""
SKOLFAM_MIN_MONTHS_PLACED = env_int("SKOLFAM_MIN_MONTHS_PLACED", 0)
# Term dates as MM-DD (docs/statistics.md, "Counting rules"): "placed all of year 9" means
# placed from the autumn term's first day to the spring term's last day.
SCHOOL_AUTUMN_TERM_START = env("SCHOOL_AUTUMN_TERM_START", "08-20") or "08-20"
SCHOOL_SPRING_TERM_END = env("SCHOOL_SPRING_TERM_END", "06-12") or "06-12"
# The school coordinator's four follow-ups a school year are spread over the terms, two in each.
SCHOOL_AUTUMN_TERM_END = env("SCHOOL_AUTUMN_TERM_END", "12-20") or "12-20"
SCHOOL_SPRING_TERM_START = env("SCHOOL_SPRING_TERM_START", "01-08") or "01-08"
OWN_MUNICIPALITY_CODE = env("OWN_MUNICIPALITY_CODE", "0180") or "0180"
# The results report counts each child's latest result from this many months up to the
# period's end (docs/statistics.md, "Counting rules").
RESULTS_WINDOW_MONTHS = env_int("RESULTS_WINDOW_MONTHS", 12)

# Uploads (docs/import-format.md, "Limits"): checked before a file is parsed. A file larger
# than FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file, never held in memory.
# Backups are encrypted with age to these public keys (comma-separated; docs/operations.md).
BACKUP_AGE_RECIPIENTS = env_list("BACKUP_AGE_RECIPIENTS", "")
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10_000_000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 10 * IMPORT_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
# The first handler stops reading a file as soon as it passes IMPORT_MAX_BYTES.
FILE_UPLOAD_HANDLERS = [
    "obruten.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000  # the form fields, files not counted

# Disclosure control of every table that leaves the register (docs/statistics.md).
DISCLOSURE_THRESHOLD = env_int("DISCLOSURE_THRESHOLD", 4)
DISCLOSURE_MIN_DENOMINATOR = env_int("DISCLOSURE_MIN_DENOMINATOR", 10)
DISCLOSURE_SYMBOL = env("DISCLOSURE_SYMBOL", "*") or "*"
# After a change, serve a report's last protected figures at once, marked with their time,
# while another process makes the new ones (docs/statistics.md, "No analyst waits"); only
# with CACHE_DIR, the cache the processes share. Off in the tests, whose data another
# process cannot see.
STATISTICS_REFRESH_IN_BACKGROUND = env_bool("STATISTICS_REFRESH_IN_BACKGROUND", True)

# The child's questionnaire links (docs/questionnaires.md).
PARTICIPATION_LINK_DAYS = env_int("PARTICIPATION_LINK_DAYS", 14)
PARTICIPATION_MAX_GUESSES = env_int("PARTICIPATION_MAX_GUESSES", 20)  # wrong links per address per 15 minutes
PARTICIPATION_MAX_GUESSES_CITY = env_int("PARTICIPATION_MAX_GUESSES_CITY", 500)  # from all addresses
# The municipality's social emergency service (socialjour), shown to a child who asked for help now.
# Empty: the child is told to call 112 and ask for the socialjour. Set it for every municipality.
SOCIAL_EMERGENCY_NUMBER = env("SOCIAL_EMERGENCY_NUMBER", "") or ""

# The JSON API for case systems (docs/api.md): requests per minute per API key.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)

# Full teaching time (docs/rules.md): guaranteed hours per year for each årskurs, and the
# school days they are spread over. The timplan of skolförordningen unless overridden here.
TEACHING_HOURS_PER_YEAR = timeplan.HOURS_PER_YEAR
TEACHING_SCHOOL_DAYS_PER_YEAR = env_int("TEACHING_SCHOOL_DAYS_PER_YEAR", timeplan.SCHOOL_DAYS_PER_YEAR)
