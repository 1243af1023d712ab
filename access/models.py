import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX_LENGTH = 8


def digest(token: str) -> str:
    # Tokens are 256 random bits, so one fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def revoke(self) -> int:
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class ApiToken(models.Model):
    """An API token: only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="A label to tell tokens apart")
    prefix = models.CharField(max_length=PREFIX_LENGTH, help_text="The token's first characters")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.prefix}… ({self.name or 'unnamed'}) of {self.user}"

    @classmethod
    def mint(cls, *, user, name: str = "") -> tuple["ApiToken", str]:
        """A new token for `user`: the row and the plain token, which is not kept anywhere."""
        token = secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, prefix=token[:PREFIX_LENGTH], digest=digest(token))
        return row, token

    @classmethod
    def find_active(cls, token: str) -> "ApiToken | None":
        return cls.objects.active().select_related("user").filter(digest=digest(token)).first()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
