import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../errors';
import type { Page, ConnectionArgs } from '../common/connection';
import { deleteOrFail, findOrFail } from '../common/lookup';
import { paginate } from '../common/paginate';
import { findActiveUser } from '../users/active-user';
import { Department, StaffAssignment } from './department.entity';
import type { AssignStaffInput, CreateDepartmentInput, UpdateDepartmentInput } from './department.inputs';

async function flushUnique(em: EntityManager, what: string): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConflictError.because(`${what} already exists in this hospital`);
    throw error;
  }
}

export async function createDepartment(em: EntityManager, input: CreateDepartmentInput): Promise<Department> {
  const department = em.create(Department, { name: input.name.trim(), code: input.code } as Department);
  await flushUnique(em, 'A department with this code');
  return department;
}

export async function updateDepartment(em: EntityManager, id: string, input: UpdateDepartmentInput): Promise<Department> {
  const department = await findOrFail(em, Department, id, 'Department');
  if (input.name) department.name = input.name.trim();
  await em.flush();
  return department;
}

export function listDepartments(em: EntityManager, args: ConnectionArgs): Promise<Page<Department>> {
  return paginate(em, Department, {}, args, { code: 'asc', id: 'asc' });
}

/** Puts an active user of this hospital into a department of this hospital (both checked: NOT_FOUND otherwise). */
export async function assignStaff(em: EntityManager, input: AssignStaffInput): Promise<StaffAssignment> {
  await findActiveUser(em, input.userId, 'User', 'userId');
  await findOrFail(em, Department, input.departmentId, 'Department');
  const assignment = em.create(StaffAssignment, {
    userId: input.userId,
    departmentId: input.departmentId,
    jobTitle: input.jobTitle.trim(),
    specialty: input.specialty?.trim() || null,
  } as StaffAssignment);
  await flushUnique(em, 'This assignment');
  return assignment;
}

export function unassignStaff(em: EntityManager, id: string): Promise<StaffAssignment> {
  return deleteOrFail(em, StaffAssignment, id, 'StaffAssignment');
}
