from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bank.models import Account, Customer, Order, Product, Transfer
from bank.retry import bank_alias
from common.databases import describe

ENDPOINTS = [
    ("GET", "ping/", "Which engine the bank runs on"),
    ("GET, POST", "customer/", "List (limit/offset) or add customers"),
    ("GET, DELETE", "customer/{id}/", "One customer"),
    ("GET, POST", "product/", "List or add products"),
    ("GET, DELETE", "product/{id}/", "One product"),
    ("GET, POST", "order/", "List or place orders (the server computes the subtotal)"),
    ("GET", "order/{id}/", "One order with its products"),
    ("GET, POST", "account/", "List or open accounts"),
    ("GET", "account/{id}/", "One account"),
    ("GET, POST", "transfer/", "The ledger, or move money"),
]


@require_GET
def index(request):
    base = request.build_absolute_uri("/api/bank/")
    context = {"base": base, "endpoints": ENDPOINTS, "alias": bank_alias()}
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
    return render(request, "bank/index.html", {
        **context, "counts": counts, "total": total, "database": describe(settings.DATABASES[bank_alias()]),
    })
