/**
 * A one-line progress bar on standard error for long CLI jobs (by bytes read, with a row
 * count). Quiet when standard error is not a terminal, so logs and CI stay clean.
 */
export function progressBar(totalBytes: number, bytesRead: () => number) {
  const tty = process.stderr.isTTY === true;
  const width = 30;
  const started = Date.now();
  const draw = (rows: number, final: boolean) => {
    if (!tty) return;
    const share = totalBytes > 0 ? Math.min(1, bytesRead() / totalBytes) : 1;
    const filled = Math.round(share * width);
    const secs = (Date.now() - started) / 1000;
    process.stderr.write(
      `\\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ` +
        `${rows.toLocaleString('en-US')} rows ${secs.toFixed(1)} s${final ? '\\n' : ''}`,
    );
  };
  return {
    update: (rows: number) => draw(rows, false),
    done: (rows: number) => draw(rows, true),
  };
}
