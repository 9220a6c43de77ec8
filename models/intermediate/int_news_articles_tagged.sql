{#- One row per article of both news sites (Farm Policy News, farmdoc daily), tagged to the
    Big 8 buckets by the keyword and category map (seed news_bucket_terms) and scored for tone
    by the lexicon (seed news_tone_lexicon). Reproducible: the same articles and the same seed
    versions give the same tags and tones. Rules (docs: news_tagging, news_tone):
    - a `category` term tags the article when it equals (case-insensitively) one of its
      WordPress categories or tags;
    - a `keyword` term tags it when it appears as a word or phrase (plural -s/-es allowed) in
      the title or summary, or at least body_min_mentions times in the body, counting every
      keyword of the bucket;
    - tone = (positive - negative lexicon mentions) / (positive + negative) over title,
      summary and body (suffixes -s, -es, -d, -ed, -ing allowed), -1..1; null without any. -#}
{%- set body_min_mentions = 2 -%}

with

articles as (

    select * from {{ ref('stg_farm_policy_news__articles') }}
    union all
    select * from {{ ref('stg_farmdoc_daily__articles') }}

),

documents as (

    select
        article_url,
        lower(title || ' ' || coalesce(summary, '')) as headline_text,
        lower(coalesce(body_text, '')) as body_text,
        list_transform(categories || tags, label -> lower(trim(label))) as labels
    from articles

),

bucket_terms as (

    select
        map_version,
        bucket,
        match_on,
        lower(trim(term)) as term,
        '\b' || regexp_escape(lower(trim(term))) || '(s|es)?\b' as term_pattern
    from {{ ref('news_bucket_terms') }}

),

keyword_mentions as (

    select
        documents.article_url,
        bucket_terms.bucket,
        bool_or(regexp_matches(documents.headline_text, bucket_terms.term_pattern))
            as in_headline,
        sum(len(regexp_extract_all(documents.body_text, bucket_terms.term_pattern)))
            as body_mentions
    from documents
    cross join bucket_terms
    where bucket_terms.match_on = 'keyword'
    group by documents.article_url, bucket_terms.bucket

),

article_buckets as (

    select
        article_url,
        bucket
    from keyword_mentions
    where in_headline or body_mentions >= {{ body_min_mentions }}
    union
    select
        documents.article_url,
        bucket_terms.bucket
    from documents
    inner join bucket_terms
        on
            bucket_terms.match_on = 'category'
            and list_contains(documents.labels, bucket_terms.term)

),

bucket_lists as (

    select
        article_url,
        list_sort(list(bucket)) as buckets
    from article_buckets
    group by article_url

),

lexicon as (

    select
        lexicon_version,
        polarity,
        '\b' || regexp_escape(lower(trim(term))) || '(s|es|d|ed|ing)?\b' as term_pattern
    from {{ ref('news_tone_lexicon') }}

),

tone_mentions as (

    select
        documents.article_url,
        coalesce(sum(
            len(regexp_extract_all(
                documents.headline_text || ' ' || documents.body_text, lexicon.term_pattern
            ))
        ) filter (where lexicon.polarity > 0), 0) as positive_mentions,
        coalesce(sum(
            len(regexp_extract_all(
                documents.headline_text || ' ' || documents.body_text, lexicon.term_pattern
            ))
        ) filter (where lexicon.polarity < 0), 0) as negative_mentions
    from documents
    cross join lexicon
    group by documents.article_url

),

versions as (

    select
        (select max(map_version) from {{ ref('news_bucket_terms') }}) as tag_map_version,
        (select max(lexicon_version) from {{ ref('news_tone_lexicon') }}) as tone_lexicon_version

),

tagged as (

    select
        -- key
        articles.article_url,
        articles.site,

        -- buckets (empty list: no bucket) and tone
        coalesce(bucket_lists.buckets, cast([] as varchar[])) as buckets,
        cast(tone_mentions.positive_mentions as integer) as tone_positive_mentions,
        cast(tone_mentions.negative_mentions as integer) as tone_negative_mentions,
        case
            when tone_mentions.positive_mentions + tone_mentions.negative_mentions > 0
                then {{ feature_round(
                    '(tone_mentions.positive_mentions - tone_mentions.negative_mentions)'
                    ~ ' / (tone_mentions.positive_mentions + tone_mentions.negative_mentions)'
                ) }}
        end as tone_score,
        versions.tag_map_version,
        versions.tone_lexicon_version,

        -- what was tagged
        articles.title,

        -- timestamps
        articles.published_at,
        articles.available_at

    from articles
    left join bucket_lists on articles.article_url = bucket_lists.article_url
    left join tone_mentions on articles.article_url = tone_mentions.article_url
    cross join versions

)

select * from tagged
