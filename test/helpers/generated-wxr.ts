import fs from 'node:fs';

/**
 * Writes a WordPress export of `comments` comments (20 per post, one in four a reply,
 * every status and now and then a pingback) to `file`, a post at a time, so a file of
 * any size is generated in constant memory. Returns what a correct import must count.
 */
export async function writeGeneratedWxr(options: {
  file: string;
  comments: number;
  /** Extra text per comment, to reach a file size. */
  padding?: number;
}): Promise<{ comments: number; pingbacks: number; bytes: number }> {
  const out = fs.createWriteStream(options.file);
  const write = async (text: string) => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const statuses = ['1', '1', '1', '0', 'spam', 'trash'];
  const filler = 'Lorem ipsum dolor sit amet, ünïcode & <em>markup</em>. '.repeat(
    Math.ceil((options.padding ?? 0) / 55),
  );
  await write(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated</title><link>https://gen.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://gen.example</wp:base_blog_url>
`);
  let pingbacks = 0;
  for (let post = 0, id = 1; id <= options.comments; post++) {
    let item = `<item><title>Post ${post}</title><link>https://gen.example/${post}/</link><wp:post_id>${post + 1}</wp:post_id><wp:post_type>post</wp:post_type>\n`;
    const first = id;
    for (let i = 0; i < 20 && id <= options.comments; i++, id++) {
      const pingback = id % 97 === 0;
      if (pingback) pingbacks++;
      const parent = id % 4 === 0 && id > first ? id - 1 : 0;
      item += `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author><![CDATA[Reader ${id % 500}]]></wp:comment_author><wp:comment_author_email>reader${id % 500}@example.com</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>198.51.100.${id % 250}</wp:comment_author_IP><wp:comment_date>2020-01-01 10:00:00</wp:comment_date><wp:comment_date_gmt>2020-01-01 ${String(10 + (id % 12)).padStart(2, '0')}:${String(id % 60).padStart(2, '0')}:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Comment ${id}: a thought about post ${post}. ${filler}]]></wp:comment_content><wp:comment_approved>${statuses[id % statuses.length]}</wp:comment_approved><wp:comment_type>${pingback ? 'pingback' : 'comment'}</wp:comment_type><wp:comment_parent>${parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n`;
    }
    await write(`${item}</item>\n`);
  }
  await write('</channel>\n</rss>\n');
  await new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve(null))));
  return { comments: options.comments - pingbacks, pingbacks, bytes: fs.statSync(options.file).size };
}
