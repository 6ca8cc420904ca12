-- 未能提交的填写内容: the text of a plain form (no JavaScript, or sent
-- before the page was live) that the server refused, kept for the user who
-- wrote it so that the page puts it back in its field (`domain::kept_text`):
-- a 补正通知 or a reason is too long to go back in the address. One row per
-- user and form; the form's next success deletes it, and the background
-- jobs delete what is older than a day.
CREATE TABLE kept_text (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- `domain::kept_text::KeptForm::key`.
    form    TEXT   NOT NULL,
    text    TEXT   NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (user_id, form)
);
CREATE INDEX kept_text_at ON kept_text (at);
