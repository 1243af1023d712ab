"""The CockroachDB tutorial's customers, products and orders, plus accounts and a ledger.

UUID primary keys, as in CockroachDB's current example: random keys spread writes across
ranges, and they survive JSON unlike 64-bit `unique_rowid()` integers.
"""

import uuid
from decimal import Decimal

from django.core import validators
from django.db import models
from django.db.models import F, Q

from bank.money import MAX, MoneyField


def money(column: str, *, minimum: Decimal, **kwargs) -> MoneyField:
    # The column says what it holds: SELECT price_cents FROM bank_product. The floor is the
    # table's check constraint's too; as a validator a form (the admin) shows it next to the
    # field instead of "Constraint ... is violated" above the form.
    floor = [validators.MinValueValidator(minimum), validators.MaxValueValidator(MAX)]
    return MoneyField(db_column=f"{column}_cents", validators=floor, **kwargs)


def within_max(field: str, model: str) -> models.CheckConstraint:
    # The one maximum (bank.money), held by the database too, whoever writes.
    return models.CheckConstraint(condition=Q(**{f"{field}__lte": MAX}), name=f"bank_{model}_{field}_max")


class Customer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=250)

    class Meta:
        ordering = ["name", "id"]
        # The paginated list walks this order: an index serves each page without a sort.
        indexes = [models.Index(fields=["name", "id"], name="bank_customer_name_idx")]

    def __str__(self):
        return self.name


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=250)
    price = money("price", minimum=Decimal("0.01"))

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="bank_product_name_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="bank_product_price_positive"),
            within_max("price", "product"),
        ]

    def __str__(self):
        return f"{self.name} ({self.price})"


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: deleting a customer must not silently erase their order history.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    products = models.ManyToManyField(Product, through="OrderItem", related_name="orders")
    subtotal = money("subtotal", minimum=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(subtotal__gte=0), name="bank_order_subtotal_nonneg"),
            within_max("subtotal", "order"),
        ]

    def __str__(self):
        return f"Order {self.id} for {self.customer_id}: {self.subtotal}"


class OrderItem(models.Model):
    # An explicit through table so a product that was ordered cannot be deleted, which
    # would change what an order contains without changing its subtotal.
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "product"], name="bank_orderitem_unique")]

    def __str__(self):
        return f"{self.order_id}: {self.product_id}"


class Account(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="accounts")
    balance = money("balance", minimum=Decimal("0"), default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at", "id"], name="bank_account_created_idx")]
        constraints = [
            # The last line of defence: whatever the code does, the database refuses an overdraft.
            models.CheckConstraint(condition=Q(balance__gte=0), name="bank_account_balance_nonneg"),
            within_max("balance", "account"),
        ]

    def __str__(self):
        return f"Account {self.id} ({self.balance})"


class Transfer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="outgoing")
    destination = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="incoming")
    amount = money("amount", minimum=Decimal("0.01"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_transfer_amount_positive"),
            within_max("amount", "transfer"),
            models.CheckConstraint(condition=~Q(source=F("destination")), name="bank_transfer_two_accounts"),
        ]

    def __str__(self):
        return f"{self.amount} from {self.source_id} to {self.destination_id}"
