import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection, ConnectionArgs } from '../common/connection';
import { tenantEm } from '../common/tenant-em';
import { User } from '../users/user.entity';
import { Department, StaffAssignment } from './department.entity';
import { AssignStaffInput, CreateDepartmentInput, UpdateDepartmentInput } from './department.inputs';
import * as departments from './department.service';

const DepartmentConnection = Connection(Department, 'Department');

@Resolver(() => Department)
export class DepartmentResolver {
  @Query(() => DepartmentConnection)
  async departments(@Args() args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return departments.listDepartments(await tenantEm(ctx), args);
  }

  @Query(() => Department, { nullable: true })
  async department(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Department | null> {
    return ctx.loaders.department.load(id);
  }

  @Mutation(() => Department)
  async createDepartment(@Arg('input') input: CreateDepartmentInput, @Ctx() ctx: RequestContext): Promise<Department> {
    return departments.createDepartment(await tenantEm(ctx), input);
  }

  @Mutation(() => Department)
  async updateDepartment(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateDepartmentInput, @Ctx() ctx: RequestContext): Promise<Department> {
    return departments.updateDepartment(await tenantEm(ctx), id, input);
  }

  @Mutation(() => StaffAssignment, { description: 'Puts a staff member into a department with a job title and specialty.' })
  async assignStaff(@Arg('input') input: AssignStaffInput, @Ctx() ctx: RequestContext): Promise<StaffAssignment> {
    return departments.assignStaff(await tenantEm(ctx), input);
  }

  @Mutation(() => StaffAssignment)
  async unassignStaff(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<StaffAssignment> {
    return departments.unassignStaff(await tenantEm(ctx), id);
  }

  @FieldResolver(() => [StaffAssignment])
  staff(@Root() department: Department, @Ctx() ctx: RequestContext): Promise<StaffAssignment[]> {
    return ctx.loaders.staffByDepartment.load(department.id);
  }
}

@Resolver(() => StaffAssignment)
export class StaffAssignmentResolver {
  @FieldResolver(() => User)
  async user(@Root() a: StaffAssignment, @Ctx() ctx: RequestContext): Promise<User> {
    return (await ctx.loaders.user.load(a.userId))!;
  }

  @FieldResolver(() => Department)
  async department(@Root() a: StaffAssignment, @Ctx() ctx: RequestContext): Promise<Department> {
    return (await ctx.loaders.department.load(a.departmentId))!;
  }
}
