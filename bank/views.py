from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bank.models import Account, Customer, Order, Product, Transfer
from bank.retry import bank_alias
from common.databases import describe


@require_safe
def index(request):
    base = request.build_absolute_uri("/api/bank/")
    context = {"base": base, "alias": bank_alias()}
    if not request.user.has_perm("bank.view_account"):
        # The bank is private (see the README's access policy): no figures for visitors.
        return render(request, "bank/index.html", context)
    counts = {
        "customers": Customer.objects.count(),
        "products": Product.objects.count(),
        "orders": Order.objects.count(),
        "accounts": Account.objects.count(),
        "transfers": Transfer.objects.count(),
    }
    total = Account.objects.aggregate(total=Sum("balance"))["total"] or 0
    database = describe(settings.DATABASES[bank_alias()])
    if not request.user.is_staff:
        # Hosts and database names are for staff, as on the home page and /healthz.
        database = {"vendor": database["vendor"]}
    context.update(counts=counts, total=total, database=database)
    return render(request, "bank/index.html", context)
