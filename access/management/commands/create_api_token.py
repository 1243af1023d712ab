from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from access.models import ApiToken


class Command(BaseCommand):
    help = (
        "Print a new API token for USERNAME (shown once; only its hash is stored), "
        "or with --revoke, revoke that user's tokens with the given label or prefix."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label to tell this token apart (max 100)")
        parser.add_argument(
            "--revoke", action="append", default=[], metavar="LABEL_OR_PREFIX",
            help="Revoke the user's tokens with this label or prefix (repeatable; 'all': every one)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; change nothing")

    def handle(self, *args, username, name, revoke, dry_run, verbosity=1, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}; create one with createsuperuser.")
        if revoke:
            return self._revoke(user, revoke, dry_run=dry_run, verbosity=verbosity)
        if len(name) > 100:
            raise CommandError("--name has at most 100 characters.")
        if not user.is_active:
            raise CommandError(f"{username} is inactive; a token of theirs would not authenticate.")
        if dry_run:
            self.stdout.write(f"Would create a token {name!r} for {username}.")
            return
        row, token = ApiToken.mint(user=user, name=name)
        if verbosity >= 1:
            self.stderr.write(f"Token {row.prefix}… for {username}; it is shown only this once:")
        # The token alone on stdout, so TOKEN=$(manage.py create_api_token ...) works.
        self.stdout.write(token)

    def _revoke(self, user, labels, *, dry_run, verbosity):
        tokens = user.api_tokens.filter(revoked_at__isnull=True)
        if "all" not in labels:
            tokens = tokens.filter(Q(name__in=labels) | Q(prefix__in=labels))
        count = tokens.count()
        if count == 0:
            raise CommandError(f"{user.username} has no active token named or starting {', '.join(labels)}.")
        if not dry_run:
            tokens.revoke()
        if verbosity >= 1:
            verb = "Would revoke" if dry_run else "Revoked"
            self.stdout.write(f"{verb} {count} token(s) of {user.username}.")
