{#- Every vintage of a raw table that keeps them (extractors.declaration.Table.vintaged), in
    the knowledge states it belongs to, so that a model reading it sees each key's latest
    vintage public by each trade date.

    A state starts at the publication instant of a correction (a vintage that is not the first
    of its natural key, macro natural_key generated from the declaration) and lasts until the next
    one; the first state starts at -infinity. In a state, each key has one row: its latest
    correction published by the state's start, else its first vintage (whose own available_at
    still decides, downstream, from when it is public). Without corrections there is one state
    (-infinity to infinity) and one row per key, the table as it is.

    Columns: the table's, then known_from and known_until (the state's interval). A model
    keeps them through its aggregations and joins (group by and join on known_from) and picks
    the state of each trade date with latest_public_period(..., vintaged=true). -#}
{% macro vintage_states(source_name, table_name) -%}
    {%- set key = natural_key(source_name, table_name) -%}
    select * from (

        with

        vintages as (

            select
                *,
                row_number() over by_key = 1 as is_first_vintage,
                -- the next vintage's publication, compared only with a state's start below
                lead(available_at) over by_key as superseded_at
            from {{ source(source_name, table_name) }}
            window by_key as (
                partition by {{ key | join(', ') }} order by available_at
            )

        ),

        starts as (

            select '-infinity'::timestamptz as known_from
            union
            select available_at as known_from from vintages where not is_first_vintage

        ),

        states as (

            select
                known_from,
                coalesce(
                    lead(known_from) over (order by known_from), 'infinity'::timestamptz
                ) as known_until
            from starts

        )

        select
            vintages.* exclude (is_first_vintage, superseded_at),
            states.known_from,
            states.known_until
        from vintages
        inner join states
            on
                (vintages.is_first_vintage or vintages.available_at <= states.known_from)
                and (vintages.superseded_at is null or states.known_from < vintages.superseded_at)

    )
{%- endmacro %}
