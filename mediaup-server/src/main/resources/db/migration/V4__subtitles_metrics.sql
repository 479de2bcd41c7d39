-- Subtitle tracks attached to a video: one processed subtitles upload per language.
CREATE TABLE subtitles (
    video_id      BIGINT       NOT NULL,
    language_code VARCHAR(8)   NOT NULL,
    subtitles_id  BIGINT       NOT NULL,
    display_name  VARCHAR(200),
    PRIMARY KEY (video_id, language_code)
);

-- Delivery and playback counters per media and UTC hour, for /2/media/analytics.
CREATE TABLE media_metrics (
    media_id BIGINT      NOT NULL,
    hour     BIGINT      NOT NULL,
    metric   VARCHAR(32) NOT NULL,
    value    BIGINT      NOT NULL,
    PRIMARY KEY (media_id, hour, metric)
);
