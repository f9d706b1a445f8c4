/**
 * SSM parameter names that several parts agree on: the tenant stack creates the parameter and grants the
 * deployer access to it, the deployer reads and moves it, the local run and `fleet status` read it.
 */
export const deployedVersionParameterName = (env: string, app: string): string => `/fleet/${env}/${app}/deployed-version`;
