-- A picture's placeholder (BlurHash): computed by processing from the picture, a GIF's or a video's poster, and
-- returned as x_blurhash when media.fields asks for it. Learned from the bytes, so a repeat shares it.
ALTER TABLE uploads ADD COLUMN blurhash VARCHAR(100);
