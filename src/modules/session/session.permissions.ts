import { allow } from 'graphql-shield';
import { isSignedInUser, isVerifiedUser } from '../../auth/rules';

export const sessionPermissions = {
  Query: { me: allow },
  Mutation: {
    // The credentials are in the arguments.
    login: allow,
    refreshToken: allow,
    // Open while a required MFA enrolment is pending, so the user can get out of that state.
    logout: isSignedInUser,
    startMfaEnrollment: isSignedInUser,
    confirmMfaEnrollment: isSignedInUser,
    changePassword: isVerifiedUser,
    updateProfile: isVerifiedUser,
    disableMfa: isVerifiedUser,
    regenerateMfaRecoveryCodes: isVerifiedUser,
  },
};
