// A node:test reporter that lists, one per line, every test file in which at least one top-level
// test ran (passed, failed or was skipped). scripts/test.js compares the list with the files it
// asked for, so a file that loads but runs nothing cannot pass unnoticed. (Node 20 reports a file
// without tests as one passing test named after the file itself; that does not count.)
export default async function* testFilesReporter(source) {
  const files = new Set();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file && event.data.name !== event.data.file) {
      files.add(event.data.file);
    }
  }
  for (const file of [...files].sort()) yield `${file}\n`;
}
