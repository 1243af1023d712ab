"""The partyfinder sample's table on Cassandra/Astra; imported only when an alias is Cassandra.

`PRIMARY KEY ((city), id)`: one partition per city, so every query names the city and
none needs ALLOW FILTERING.
"""

import uuid

from cassandra.cqlengine import columns
from django_cassandra_engine.models import DjangoCassandraModel


class PartyByCity(DjangoCassandraModel):
    __table_name__ = "party"

    city = columns.Text(partition_key=True)
    id = columns.UUID(primary_key=True, default=uuid.uuid4)
    name = columns.Text(required=True)
    date = columns.Date(required=True)
    people = columns.Integer(required=True, default=0)

    class Meta:
        get_pk_field = "id"
