import { rule } from 'graphql-shield';
import type { RequestContext } from '../../context';
import { DomainError } from '../../errors';
import type { HospitalModule } from './settings.entity';

/** The error for an operation of a module the hospital switched off. */
export function moduleDisabled(module: HospitalModule): DomainError {
  return new DomainError('FORBIDDEN', `The ${module} module is not enabled for this hospital`, { reason: 'MODULE_DISABLED', module });
}

/** True when the request's hospital has `module` enabled (reads the settings once per request). */
export async function isModuleEnabled(ctx: RequestContext, module: HospitalModule): Promise<boolean> {
  const settings = await ctx.loaders.settings();
  return settings.enabledModules.includes(module);
}

/**
 * Refuses operations of a disabled module with FORBIDDEN (reason MODULE_DISABLED). Chain it after the
 * role rule: it assumes a member of the hospital and does nothing outside one.
 */
export function moduleEnabled(module: HospitalModule) {
  // One rule instance per module: shield refuses two different rules with one name.
  let existing = MODULE_RULES.get(module);
  if (!existing) {
    existing = rule(`moduleEnabled:${module}`, { cache: 'no_cache' })(async (_p, _a, ctx: RequestContext) => {
      if (!ctx.session || !ctx.principal) return true;
      return (await isModuleEnabled(ctx, module)) ? true : moduleDisabled(module);
    });
    MODULE_RULES.set(module, existing);
  }
  return existing;
}

const MODULE_RULES = new Map<HospitalModule, ReturnType<ReturnType<typeof rule>>>();
