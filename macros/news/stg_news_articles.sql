{#- The staging model of one news site (Farm Policy News, farmdoc daily): raw.<site> renamed
    (empty offline). Both sites share the package extractors/news and one raw table shape, so
    one definition serves both staging models. -#}
{% macro stg_news_articles(site) -%}
with

source as (

    select * from {{ source(site, site) }}

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
