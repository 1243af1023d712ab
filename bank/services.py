"""Every write the bank makes, each one transaction run by the retry helper.

Services take keyword arguments only and refuse with common.errors (Invalid, NotFound,
Conflict); the API decides what status each one is.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.db import connections
from django.db.models.deletion import ProtectedError
from django.utils.timezone import now

from bank import locks, money
from bank.models import Account, Customer, Order, Product, Transfer
from bank.retry import bank_alias, retry_loop, run_in_transaction
from common.errors import Conflict, Invalid, NotFound
from common.text import has_nul


@dataclass(frozen=True)
class TransferResult:
    transfer: Transfer
    source_balance: Decimal
    destination_balance: Decimal


def _get(model, pk, what):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No {what} with id {pk}.")
    return obj


def _uuid(value, what: str) -> UUID:
    # Callers outside the API may pass strings; compare like with like.
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise Invalid(f"{what} is not a valid id: {value!r}.", field=what) from None


def _amount(value, what: str, *, field: str, zero_ok: bool = False) -> Decimal:
    """A Decimal of two places from 0 (or 0.01) up to the maximum, or the error saying why."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise Invalid(f"{what} must be a number, not {value}.", field=field)
    if number < 0 or number == 0 and not zero_ok:
        raise Invalid(f"{what} must be {'zero or more' if zero_ok else 'greater than zero'}, not {value}.",
                      field=field)
    if number > money.MAX:
        raise Invalid(f"{what} {value} is above the maximum amount, {money.LIMIT}.", field=field)
    try:
        return money.from_cents(money.to_cents(number))
    except ValueError:
        raise Invalid(f"{what} {value} has more than two decimals.", field=field) from None


def _within_max(total: Decimal, what: str) -> Decimal:
    if total > money.MAX:
        raise Conflict(f"{what} would be {total}, above the maximum amount, {money.LIMIT}.")
    return total


# --- customers and products ---------------------------------------------------------


def _name(name: str) -> str:
    if not name.strip():
        raise Invalid("name must not be blank.", field="name")
    if has_nul(name):
        # PostgreSQL (and so CockroachDB's driver) refuses NUL in text before any SQL runs.
        raise Invalid("name must not contain NUL characters.", field="name")
    return name.strip()


def create_customer(*, name: str) -> Customer:
    return run_in_transaction(Customer.objects.create, name=_name(name))


def create_product(*, name: str, price: Decimal) -> Product:
    name, price = _name(name), _amount(price, "price", field="price")
    return run_in_transaction(Product.objects.create, name=name, price=price)


def delete(*, model, pk: UUID, what: str) -> None:
    def _delete():
        obj = _get(model, pk, what)
        try:
            obj.delete()
        except ProtectedError as exc:
            kinds = sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects})
            raise Conflict(f"{what.capitalize()} {pk} is still used by {' and '.join(kinds)}; "
                           "it cannot be deleted.") from None

    run_in_transaction(_delete)


# --- orders -------------------------------------------------------------------------


def create_order(*, customer_id: UUID, product_ids: list[UUID], subtotal: Decimal | None = None) -> Order:
    """An order whose subtotal the server computes; a client's subtotal must agree with it."""
    if not product_ids:
        raise Invalid("An order needs at least one product.", field="products")
    repeated = sorted(str(pk) for pk, times in Counter(product_ids).items() if times > 1)
    if repeated:
        raise Invalid(f"Each product can be ordered once; listed more than once: {', '.join(repeated)}.",
                      field="products")
    subtotal = None if subtotal is None else _amount(subtotal, "subtotal", field="subtotal", zero_ok=True)
    return run_in_transaction(_create_order, customer_id, product_ids, subtotal)


def _create_order(customer_id, product_ids, subtotal):
    customer = _get(Customer, customer_id, "customer")
    products = Product.objects.in_bulk(product_ids)
    missing = [str(p) for p in product_ids if p not in products]
    if missing:
        raise NotFound(f"No product with id {', '.join(missing)}.")
    computed = _within_max(sum((p.price for p in products.values()), Decimal("0.00")),
                           "The order's subtotal")
    if subtotal is not None and subtotal != computed:
        # The client's sum clashes with the prices stored now (one may have changed since).
        raise Conflict(f"The subtotal {subtotal} does not match the sum of the product prices, {computed}.")
    order = Order.objects.create(customer=customer, subtotal=computed)
    order.products.set(products.values())
    return order


# --- accounts and transfers ---------------------------------------------------------


def open_account(*, customer_id: UUID, balance: Decimal = Decimal("0.00")) -> Account:
    balance = _amount(balance, "An opening balance", field="balance", zero_ok=True)

    def _open():
        return Account.objects.create(customer=_get(Customer, customer_id, "customer"), balance=balance)

    return run_in_transaction(_open)


def transfer(*, source_id: UUID, destination_id: UUID, amount: Decimal) -> TransferResult:
    """Move `amount` between two accounts; all or nothing, never below zero or above the maximum."""
    amount = _amount(amount, "amount", field="amount")
    source_id, destination_id = _uuid(source_id, "from"), _uuid(destination_id, "to")
    if source_id == destination_id:
        # Well formed, and both accounts may exist: what it asks clashes with the ledger's rule.
        raise Conflict("A transfer needs two different accounts; from and to are the same.")
    connection = connections[bank_alias()]
    # On PostgreSQL transfers that share an account wait for each other here, before their
    # transaction; the others run side by side (bank.locks explains why before).
    with locks.holding_accounts(connection, [source_id, destination_id]) as held:
        if held is None:
            return run_in_transaction(_transfer, source_id, destination_id, amount)
        return retry_loop(lambda: _transfer_by_hand(connection, held, source_id, destination_id, amount),
                          name="transfer")


def _transfer(source_id, destination_id, amount):
    connection = connections[bank_alias()]
    # Everything is prepared before the first read: the transaction lasts round trips only.
    record = Transfer(source_id=source_id, destination_id=destination_id, amount=amount, created_at=now())
    insert = _insert_sql(connection, record)
    new = _new_balances(locks.read_balances(connection, [source_id, destination_id]), record)
    update = _update_sql(connection, new)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not locks.is_cockroachdb(connection):
            # One round trip fewer (psycopg2 sends both statements at once).
            cursor.execute(f"{update[0]}; {insert[0]}", [*update[1], *insert[1]])
        else:
            cursor.execute(*update)
            cursor.execute(*insert)
    return TransferResult(record, new[source_id], new[destination_id])


def _transfer_by_hand(connection, held, source_id, destination_id, amount):
    record = Transfer(source_id=source_id, destination_id=destination_id, amount=amount, created_at=now())
    insert = _insert_sql(connection, record)

    def decide(rows):
        new = _new_balances(locks.to_balances(rows), record)
        update = _update_sql(connection, new)
        result = TransferResult(record, new[source_id], new[destination_id])
        return f"{update[0]}; {insert[0]}", [*update[1], *insert[1]], result

    read = locks.read_sql(connection, [source_id, destination_id])
    return locks.run_by_hand(connection, held, read, decide)


def _new_balances(balances: dict, record: Transfer) -> dict:
    """Both balances after `record`, or the error that refuses it."""
    source, destination, amount = record.source_id, record.destination_id, record.amount
    missing = [str(pk) for pk in (source, destination) if pk not in balances]
    if missing:
        raise NotFound(f"No account with id {', '.join(missing)}.")
    if balances[source] < amount:
        raise Conflict(f"Insufficient funds: account {source} holds {balances[source]}, "
                       f"the transfer needs {amount}.")
    credited = _within_max(balances[destination] + amount, f"The balance of account {destination}")
    return {source: balances[source] - amount, destination: credited}


def _update_sql(connection, new: dict) -> tuple[str, list]:
    table = connection.ops.quote_name(Account._meta.db_table)
    (first, first_balance), (second, second_balance) = new.items()
    pk, balance = Account._meta.pk, Account._meta.get_field("balance")
    ids = [pk.get_db_prep_value(first, connection), pk.get_db_prep_value(second, connection)]
    balances = [balance.get_db_prep_save(first_balance, connection),
                balance.get_db_prep_save(second_balance, connection)]
    column = connection.ops.quote_name(balance.column)
    sql = f"UPDATE {table} SET {column} = CASE WHEN id = %s THEN %s ELSE %s END WHERE id IN (%s, %s)"  # noqa: S608
    return sql, [ids[0], *balances, *ids]


def _insert_sql(connection, record: Transfer) -> tuple[str, list]:
    fields = [f for f in Transfer._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields]
    table = connection.ops.quote_name(Transfer._meta.db_table)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values  # noqa: S608 - model names
