/**
 * A spec or training config that is not JSON (issue 17, item 9): the error names the file and
 * the position in words and never quotes the file — the path may name any file on the machine.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { trainAnomalyCommand } from '../../../src/main/cli/commands/train-anomaly'
import { readSpecFile } from '../../../src/main/engine/select/spec-file'
import { hepwb } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-spec-errors-'))
const passwd = join(dir, 'passwd')
writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nsecretuser:x:1000:1000::/home/s:/bin/sh\n')
const LEAKS = /root:|x:0|bash|secretuser/

describe('errors of files that are not JSON', () => {
  it('a spec: file and position, no content', async () => {
    const e = await readSpecFile(passwd).catch((x: Error) => x)
    expect((e as Error).message).toBe(
      `${passwd}: not valid JSON at line 1, column 1: a value was expected here (an object, array, string, number, true, false or null)`,
    )
    expect((e as Error).message).not.toMatch(LEAKS)
  })

  it('an anomaly training config: file and position, no content', async () => {
    const e = await trainAnomalyCommand(passwd, {}).catch((x: Error) => x)
    expect((e as Error).message).toMatch(/not valid JSON at line 1, column 1/)
    expect((e as Error).message).not.toMatch(LEAKS)
  })

  it('hepwb train, cutflow: no content on stderr', () => {
    for (const cmd of ['train', 'cutflow']) {
      const r = hepwb(cmd, passwd, '--json')
      expect(r.code, cmd).toBe(1)
      expect(r.stderr, cmd).toMatch(/not valid JSON at line 1, column 1/)
      expect(r.stderr, cmd).not.toMatch(LEAKS)
    }
  }, 30_000)
})
