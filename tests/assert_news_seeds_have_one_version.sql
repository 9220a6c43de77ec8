{#- The news tag map and tone lexicon each hold exactly one version (bump it on any change):
    every tagged article is stamped with it, so its tags are reproducible from that map. -#}

with

versions as (

    select
        'news_bucket_terms' as seed,
        count(distinct map_version) as version_count
    from {{ ref('news_bucket_terms') }}
    union all
    select
        'news_tone_lexicon' as seed,
        count(distinct lexicon_version) as version_count
    from {{ ref('news_tone_lexicon') }}

)

select * from versions
where version_count != 1
