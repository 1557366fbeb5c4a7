import type { Command } from '../command';
import { auditVerifyCommand } from './audit.command';
import { dbImportCommand, dbStatusCommand, dbUpdateCommand } from './db.command';
import { sbomCommand } from './sbom.command';
import { scanCommand } from './scan.command';
import { statusCommand } from './status.command';

/** Every CLI command, in help order. Add new commands here. */
export const COMMANDS: readonly Command[] = [statusCommand, auditVerifyCommand, sbomCommand, scanCommand, dbImportCommand, dbUpdateCommand, dbStatusCommand];
