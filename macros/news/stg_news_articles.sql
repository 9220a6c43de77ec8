{#- The staging model of one news site (Farm Policy News, farmdoc daily): raw.<site> renamed,
    or an empty relation with its columns while the site has not been landed (offline). Both
    sites share extractors/news.py, so one definition serves both staging models. -#}
{% macro stg_news_articles(site) -%}
with

source as (

    {{ source_or_empty(site, site, [
        ['article_url', 'varchar'],
        ['guid', 'varchar'],
        ['title', 'varchar'],
        ['summary', 'varchar'],
        ['body_text', 'varchar'],
        ['authors', 'varchar[]'],
        ['categories', 'varchar[]'],
        ['tags', 'varchar[]'],
        ['published_at', 'timestamptz'],
        ['available_at', 'timestamptz'],
        ['from_page', 'boolean'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

),

renamed as (

    select
        -- key
        article_url,
        '{{ site }}' as site,
        guid,

        -- what the article says
        title,
        summary,
        body_text,
        authors,
        categories,
        tags,
        from_page,

        -- timestamps and metadata
        published_at,
        available_at,
        source as load_source,
        loaded_at

    from source

)

select * from renamed
{%- endmacro %}
