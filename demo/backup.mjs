// Part 4: an online backup with progress. backup(db, path, { rate, progress }) is node:sqlite's
// function (Node 26): it copies `rate` pages per step and reports after each step; the copy runs
// on a thread of its own, so the event loop stays free while it runs.
import { statSync } from 'node:fs';
import { backup, DatabaseSync } from 'sqlite-strand';
import { EVENT_ROWS } from './streaming.mjs';
import { heading, note, result, check, progressBar, int, ms, mb } from './ui.mjs';

export async function backupWithProgress({ file, path }) {
  heading('Backup with progress: backup(db, path, { rate, progress })');
  const copyFile = path('tour-copy.db');
  const db = new DatabaseSync(file);
  const rate = 200;
  note(`await backup(db, 'tour-copy.db', { rate: ${rate}, progress: ({ totalPages, remainingPages }) => ... })`);

  let bar;
  let reports = 0;
  const t0 = performance.now();
  const pages = await backup(db, copyFile, {
    rate,
    progress({ totalPages, remainingPages }) {
      reports += 1;
      bar ??= progressBar('pages', totalPages);
      const copied = totalPages - remainingPages;
      bar.update(copied, `${int(copied)}/${int(totalPages)} pages`);
    },
  });
  bar?.update(pages, `${int(pages)}/${int(pages)} pages`);
  bar?.done();
  const time = performance.now() - t0;
  const pageSize = db.prepare('PRAGMA page_size').get().page_size;
  db.close();

  result('pages copied (the resolved value)', `${int(pages)} × ${int(pageSize)} bytes`);
  result('progress reports', reports);
  result('time', ms(time));
  result('source / copy file size', `${mb(statSync(file).size)} / ${mb(statSync(copyFile).size)}`);

  // The copy is a complete database: open it and count.
  const copy = new DatabaseSync(copyFile, { readOnly: true });
  const { n } = copy.prepare('SELECT count(*) AS n FROM events').get();
  const ok = copy.prepare('PRAGMA quick_check').get().quick_check === 'ok';
  copy.close();
  check(`the copy has all ${int(n)} events (expected ${int(EVENT_ROWS)})`, n === EVENT_ROWS);
  check('PRAGMA quick_check on the copy says ok', ok);
}
