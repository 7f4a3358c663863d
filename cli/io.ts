// The CLI's two output streams, behind one object so tests can run `main`
// in-process and capture what a person would see.

export const io = {
  out: (text: string): void => {
    process.stdout.write(text);
  },
  err: (text: string): void => {
    process.stderr.write(text);
  },
  /** Whether stderr is a terminal (colors are only used there). */
  errIsTTY: (): boolean => process.stderr.isTTY === true,
};
