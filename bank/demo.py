"""Demo data for `manage.py populate`: the tutorial's customers and products, and
two accounts per customer. Idempotent: found by name, never added twice."""

from decimal import Decimal

from bank.models import Account, Customer, Product

CUSTOMERS = ["Carl", "Lola", "Ruarc"]
PRODUCTS = [("Ice Cream", Decimal("123.40")), ("Cheese", Decimal("9.95")), ("Bread", Decimal("3.50"))]
OPENING_BALANCES = [Decimal("100.00"), Decimal("250.00")]


def seed(*, dry_run: bool, track=lambda obj, **key: None) -> dict[str, tuple[int, int]]:
    existing_customers = set(Customer.objects.filter(name__in=CUSTOMERS).values_list("name", flat=True))
    product_names = [name for name, _ in PRODUCTS]
    existing_products = set(Product.objects.filter(name__in=product_names).values_list("name", flat=True))
    new_customers = [n for n in CUSTOMERS if n not in existing_customers]
    new_products = [(n, p) for n, p in PRODUCTS if n not in existing_products]
    if not dry_run:
        created = Customer.objects.bulk_create([Customer(name=n) for n in new_customers])
        products = Product.objects.bulk_create([Product(name=n, price=p) for n, p in new_products])
        accounts = [Account(customer=c, balance=b) for c in created for b in OPENING_BALANCES]
        Account.objects.bulk_create(accounts)
        # UUID keys are made here, not by the database, so every engine knows them.
        for obj in (*created, *products, *accounts):
            track(obj)
    new_accounts = len(new_customers) * len(OPENING_BALANCES)
    old_accounts = Account.objects.filter(customer__name__in=existing_customers).count()
    return {
        "customers": (len(new_customers), len(existing_customers)),
        "products": (len(new_products), len(existing_products)),
        "accounts": (new_accounts, old_accounts),
    }
