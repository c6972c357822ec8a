export {
  GovernanceDashboard,
  GovernanceDashboardPage,
} from './GovernanceDashboard';
