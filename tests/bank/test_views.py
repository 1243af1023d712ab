import json
import threading
import urllib.request
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from bank.models import Account, Customer, Order, Product, Transfer
from tests.support.access import bearer, make_user, token_for
from tests.support.threads import run_in_threads


@pytest.mark.django_db(databases="__all__")
def test_the_bank_page_shows_counts_the_api_docs_and_curl_examples_to_staff(client, accounts):
    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw"))
    response = client.get(reverse("bank:index"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "200.00" in page  # the money in the two accounts
    assert "/api/bank/transfer/" in page and "curl -s http://testserver/api/bank/customer/" in page
    assert f'href="{reverse("api:openapi-view")}"' in page  # every route is there, not copied here


@pytest.mark.django_db(databases="__all__")
def test_every_bank_model_has_an_admin_list_and_an_order_shows_its_products(client, accounts, products):
    order = Order.objects.create(customer=accounts[0].customer, subtotal=Decimal("123.40"))
    order.products.set(products[:1])
    Transfer.objects.create(source=accounts[0], destination=accounts[1], amount=1)
    client.force_login(User.objects.create_superuser("admin", "a@example.com", "pw"))

    for model in ("customer", "product", "order", "account", "transfer"):
        response = client.get(reverse(f"admin:bank_{model}_changelist") + "?q=Carl")
        assert response.status_code == 200, model
    assert "Ice Cream" in client.get(reverse("admin:bank_order_changelist")).content.decode()
    assert client.get(reverse("admin:bank_order_change", args=[order.pk])).status_code == 200


@pytest.mark.django_db(databases="__all__")
def test_populate_adds_the_demo_bank_once(capsys):
    call_command("populate", only=["bank"], dry_run=True)
    assert not Customer.objects.exists()

    call_command("populate", only=["bank"])
    call_command("populate", only=["bank"])

    assert Customer.objects.count() == 3 and Product.objects.count() == 3 and Account.objects.count() == 6
    assert "bank: demo data was added to this database before" in capsys.readouterr().out


@pytest.mark.concurrency
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_concurrent_transfers_over_http_keep_the_total(live_server):
    customer = Customer.objects.create(name="Many clients")
    ids = [str(Account.objects.create(customer=customer, balance=Decimal(50)).pk) for _ in range(4)]
    statuses, lock = [], threading.Lock()
    auth = bearer(token_for(make_user(superuser=True)))

    def client(i):
        for n in range(15):
            amount = f"{1 + (i * n) % 20}.00"
            body = {"from": ids[(i + n) % 4], "to": ids[(i + 2 * n + 1) % 4], "amount": amount}
            if body["from"] == body["to"]:
                continue
            request = urllib.request.Request(  # noqa: S310 - the live_server on 127.0.0.1
                f"{live_server.url}/api/bank/transfer/", json.dumps(body).encode(),
                headers={"Content-Type": "application/json", **auth})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - live_server
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                statuses.append(status)

    run_in_threads(client, 8)

    assert set(statuses) <= {201, 409} and 201 in statuses
    balances = list(Account.objects.filter(pk__in=ids).values_list("balance", flat=True))
    assert sum(balances) == Decimal(200) and min(balances) >= 0
    assert Transfer.objects.count() == statuses.count(201)
