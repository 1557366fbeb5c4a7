import type { Command } from '../command';
import { auditVerifyCommand } from './audit.command';
import { sbomCommand } from './sbom.command';
import { statusCommand } from './status.command';

/** Every CLI command, in help order. Add new commands here. */
export const COMMANDS: readonly Command[] = [statusCommand, auditVerifyCommand, sbomCommand];
