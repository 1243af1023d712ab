"""The bank in the admin: what staff may change there without breaking the bank's rules."""

import pytest

from bank import services
from bank.models import Order, OrderItem

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def order(customer, products):
    return services.create_order(customer_id=customer.pk, product_ids=[p.pk for p in products])


def test_an_order_is_shown_but_its_products_and_subtotal_cannot_be_edited(admin_client, order, products):
    page = admin_client.get(f"/admin/bank/order/{order.pk}/change/")
    posted = admin_client.post(f"/admin/bank/order/{order.pk}/change/", {
        "customer": order.customer_id, "subtotal": "0.01",
        "orderitem_set-TOTAL_FORMS": "0", "orderitem_set-INITIAL_FORMS": "0",
    })

    assert page.status_code == 200 and "Ice Cream" in page.content.decode()
    assert posted.status_code == 403
    assert Order.objects.get(pk=order.pk).subtotal == sum(p.price for p in products)
    assert OrderItem.objects.filter(order=order).count() == 2
    assert admin_client.get("/admin/bank/order/add/").status_code == 403


def test_staff_can_still_delete_an_order(admin_client, order):
    response = admin_client.post(f"/admin/bank/order/{order.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Order.objects.filter(pk=order.pk).exists()


@pytest.mark.parametrize("model", ["order", "transfer"])
def test_a_year_too_big_for_a_date_in_the_drill_down_is_the_admins_bad_filter_answer(admin_client, model):
    response = admin_client.get(f"/admin/bank/{model}/", {"created_at__year": "9" * 20})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("path, data, field", [
    ("/admin/bank/product/add/", {"name": "Free lunch", "price": "0"}, "price"),
    ("/admin/bank/product/add/", {"name": "Rebate", "price": "-1"}, "price"),
    ("/admin/bank/account/add/", {"balance": "-5"}, "balance"),
])
def test_an_amount_below_the_bank_s_floor_is_an_error_next_to_its_field(
    admin_client, customer, path, data, field
):
    response = admin_client.post(path, {"customer": customer.pk, **data})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "greater than or equal to" in " ".join(form.errors[field])
    assert form.non_field_errors() == []  # not "Constraint ... is violated" above the form
