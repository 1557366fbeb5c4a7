import type { Command } from '../command';
import { attestCommand } from './attest.command';
import { auditVerifyCommand } from './audit.command';
import { dbImportCommand, dbStatusCommand, dbUpdateCommand } from './db.command';
import { keygenCommand } from './keygen.command';
import { sbomCommand } from './sbom.command';
import { scanCommand } from './scan.command';
import { signCommand } from './sign.command';
import { statusCommand } from './status.command';
import { verifyCommand } from './verify.command';

/** Every CLI command, in help order. Add new commands here. */
export const COMMANDS: readonly Command[] = [statusCommand, auditVerifyCommand, sbomCommand, scanCommand, dbImportCommand, dbUpdateCommand, dbStatusCommand, signCommand, verifyCommand, attestCommand, keygenCommand];
